// The part of sdp-transform's API the PBX uses (the package ships no types).
declare module 'sdp-transform' {
  namespace sdpTransform {
    interface MediaDescription {
      type: string;
      port: number | string;
      protocol: string;
      payloads?: string | number;
      connection?: { version: number; ip: string };
      rtp: Array<{ payload: number; codec: string; rate?: number; encoding?: number }>;
      fmtp: Array<{ payload: number; config: string }>;
      direction?: string;
      ptime?: number;
      rtcp?: { port: number };
    }
    interface SessionDescription {
      version?: number;
      connection?: { version: number; ip: string };
      direction?: string;
      media: MediaDescription[];
    }
    function parse(sdp: string): SessionDescription;
  }
  export default sdpTransform;
}
