// The SIP message layer (RFC 3261 §7, §20, §25): parser, typed headers, serializer.
export { SipParseError } from './errors.ts';
export { formatParams, parseParamList, type Params } from './params.ts';
export { formatUri, parseUri, type SipUri } from './uri.ts';
export { formatNameAddr, parseNameAddr, parseNameAddrAt, type NameAddr } from './name-addr.ts';
export { formatVia, parseVia, type Via } from './via.ts';
export { formatCSeq, parseCSeq, type CSeq } from './cseq.ts';
export { formatContact, parseContactValue, type Contact } from './contact.ts';
export { canonicalName, isListHeader } from './header-names.ts';
export { splitTopLevel } from './list-split.ts';
export { Headers } from './headers.ts';
export { SipMessage, SipRequest, SipResponse } from './sip-message.ts';
export { DEFAULT_PARSE_LIMITS, parseDatagram, type ParseLimits, type ParseResult } from './parser.ts';
export { StreamParser } from './stream-parser.ts';
export { checkRequiredHeaders } from './validate.ts';
export { createResponse, methodNotAllowed, optionsResponse } from './response-builder.ts';
export { reasonPhrase } from './reason-phrases.ts';
export { BRANCH_COOKIE, newBranch, newCallId, newTag } from './random-token.ts';
export { isSipDate } from './sip-date.ts';
