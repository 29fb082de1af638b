// The part of net-snmp's API the monitor uses (the package ships no types).
declare module 'net-snmp' {
  namespace snmp {
    type Callback = (error: (Error & { rinfo?: { address: string; port: number } }) | null, data?: unknown) => void;
    interface Varbind { oid: string; type: number; value: unknown }
    interface ColumnDefinition { number: number; name: string; type: number; maxAccess: number }
    interface ProviderDefinition {
      name: string;
      type: number;
      oid: string;
      scalarType?: number;
      maxAccess: number;
      tableColumns?: ColumnDefinition[];
      tableIndex?: Array<{ columnName: string }>;
    }
    interface MibNode {
      oid: string;
      address: number[];
      value: unknown;
      valueType: number;
      children: Record<number, MibNode>;
    }
    interface Mib {
      registerProvider(def: ProviderDefinition): void;
      setScalarValue(name: string, value: unknown): void;
      addTableRow(name: string, row: unknown[]): void;
      lookup(oid: string): MibNode | null;
      root: MibNode;
    }
    interface V3User { name: string; level: number; authProtocol?: number; authKey?: string; privProtocol?: number; privKey?: string }
    interface Authorizer {
      addCommunity(c: string): void;
      addUser(u: V3User): void;
    }
    interface Agent {
      getMib(): Mib;
      setMib(mib: Mib): void;
      getAuthorizer(): Authorizer;
      close(cb?: () => void): void;
    }
    interface Session {
      trap(oid: string, varbinds: Varbind[], options: { upTime?: number }, cb: (error: Error | null) => void): void;
      /** An InformRequest: the callback runs on the receiver's Response, or with a RequestTimedOutError after the session's retries. */
      inform(oid: string, varbinds: Varbind[], options: { upTime?: number }, cb: (error: Error | null) => void): void;
      get(oids: string[], cb: (error: Error | null, varbinds: Varbind[]) => void): void;
      /** GetBulk walk of the subtree under `oid`; `feed` gets each batch (return true to stop). */
      subtree(oid: string, maxRepetitions: number, feed: (varbinds: Varbind[]) => boolean | void, done: (error: Error | null) => void): void;
      close(): void;
      on(event: 'error', cb: (err: Error) => void): void;
    }
    interface DgramLike {
      createSocket(type: string): unknown;
    }
    interface AgentOptions {
      port: number;
      address: string | null;
      transport?: 'udp4' | 'udp6';
      engineID?: string;
      disableAuthorization?: boolean;
      dgramModule?: DgramLike;
    }
  }
  const snmp: {
    Version2c: number;
    Version3: number;
    ObjectType: Record<'EndOfMibView' | 'Integer' | 'Integer32' | 'OctetString' | 'OID' | 'Counter32' | 'Gauge32' | 'Unsigned32' | 'TimeTicks' | 'Counter64' | 'Null', number>;
    MibProviderType: { Scalar: number; Table: number };
    MaxAccess: Record<'not-accessible' | 'accessible-for-notify' | 'read-only' | 'read-write' | 'read-create', number>;
    SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
    AuthProtocols: Record<'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512', number>;
    PrivProtocols: Record<'des' | 'aes' | 'aes256b' | 'aes256r', number>;
    createAgent(options: snmp.AgentOptions, callback: snmp.Callback, mib?: snmp.Mib): snmp.Agent;
    createMib(options?: object): snmp.Mib;
    createSession(target: string, community: string, options: object): snmp.Session;
    createV3Session(target: string, user: snmp.V3User, options: object): snmp.Session;
    /** True for noSuchObject, noSuchInstance and endOfMibView varbinds. */
    isVarbindError(vb: snmp.Varbind): boolean;
  };
  export default snmp;
}
