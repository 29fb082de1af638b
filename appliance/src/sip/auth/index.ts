/** SIP digest authentication (RFC 7616/2617, RFC 3261 §22) and the auth-failure ban list. */
export {
  AuthHeaderError,
  NonceManager,
  buildChallenges,
  computeResponse,
  parseAuthorization,
  parseDigestParams,
  verifyRequest,
} from './digest.ts';
export type {
  AuthHeaderErrorCode,
  AuthenticatableRequest,
  DigestAlgorithm,
  DigestChallengeOptions,
  DigestCredentials,
  DigestResponseInput,
  NonceManagerOptions,
  NonceStatus,
  VerifyOptions,
  VerifyResult,
} from './digest.ts';
export { AuthBanList } from './auth-ban.ts';
export type { AuthBanListOptions, AuthBanPolicy } from './auth-ban.ts';
export { authorizationFor, parseChallenge, pickChallenge, type DigestChallenge } from './digest-client.ts';
