/** The SIPREC recording server (issue 7): metadata and body parsing, the SRS, its service and status types. */
export { RecordingOfferError, MetadataError, MultipartError } from './errors.ts';
export { parseRecordingMetadata, mergeMetadata, senderOfLabel, partyName, HOTLINE_METADATA_NS, RECORDING_METADATA_NS, type RecordingMetadata, type MetadataParticipant, type MetadataStream, type MetadataSession, type HotlineCallInfo } from './metadata.ts';
export { parseMultipart, recordingBodies, parseMediaType, METADATA_CONTENT_TYPE, type BodyPart, type RecordingBodies } from './multipart.ts';
export { parseRecordingOffer, writeRecordingAnswer, chooseLaw, type OfferedStream, type AnsweredStream, type RecordLaw } from './recording-sdp.ts';
export { ChannelAligner, type ChannelStats, type AlignVerdict } from './channel-aligner.ts';
export { RecorderService, RECORDER_USER_AGENT, sha256File, type RecorderServiceOptions } from './recorder-service.ts';
export { recorderSettings, RecorderSettingsError, DEFAULT_RETENTION, type RecorderSettings, type RetentionClass } from './settings.ts';
export { decryptFile, encryptFile, loadKey, ENCRYPTED_MAGIC } from './encryption.ts';
export type { RecorderStatus, ActiveRecordingStatus } from './status.ts';
export { buildMetadataXml, buildRecordingOfferSdp, buildRecordingBody, type SrcParty } from './src-body.ts';
export { encodeLiveFrame, decodeLiveFrame, LiveFrameSplitter, LiveFrameError, LIVE_HEADER_BYTES, LIVE_MAX_PAYLOAD, LIVE_LAW, type LiveFrame } from './live-frame.ts';
