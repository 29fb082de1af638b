import { CURRENT_SCHEMA_VERSION, DEFAULT_MAX_CONTACTS } from './defaults.ts';

const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;
const seconds = (min: number, max: number) => ({ type: 'integer', minimum: min, maximum: max }) as const;

/**
 * JSON schema (draft-07, as ajv 8 reads it by default) of `config.json`, revision 1.
 * `default` keywords are applied by the validator, so a hand-written file may omit them.
 * Checks that span fields (unique numbers, port ranges) live in `validate.ts`.
 */
/** A dial pattern (X Z N [..] . !, optionally after `_`) or a literal number, as routes match them; DialPattern checks the rest. */
const DIAL_MATCHER = '^_?[0-9XZNxzn*#+.!\\[\\],-]{1,64}$';

/** Names of ACD skills, queues and reason codes: they appear in stats, CTI events and logs. */
const ACD_NAME = '^[A-Za-z0-9_.-]{1,32}$';
/** A number dialled to reach a queue or an IVR menu from an extension. */
const DIAL_NUMBER = { type: 'string', pattern: '^[0-9]{2,8}$' } as const;
/** A label a user reads (zh-CN or English). */
const LABEL = { type: 'string', minLength: 1, maxLength: 64 } as const;
/** Skill levels run 1 (novice) to 10 (expert). */
const SKILL_LEVEL = { type: 'integer', minimum: 1, maximum: 10 } as const;

/** A prompt file name (without `.wav`) in the prompts folder; no path separators. */
const PROMPT_NAME = { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } as const;
/** A recording policy (issue 7, docs/recorder.md). */
const RECORDING_POLICY = { enum: ['always', 'never', 'on-demand'] } as const;
/** 00:00 to 24:00. */
const HH_MM = '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$';
/** Where an IVR choice leads. */
const IVR_DESTINATION = {
  type: 'object',
  required: ['kind'],
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['kind', 'number'], properties: { kind: { const: 'extension' }, number: { type: 'string', pattern: '^[0-9]{2,8}$' } } },
    { type: 'object', additionalProperties: false, required: ['kind', 'name'], properties: { kind: { const: 'queue' }, name: { type: 'string', pattern: ACD_NAME } } },
    { type: 'object', additionalProperties: false, required: ['kind', 'menu'], properties: { kind: { const: 'menu' }, menu: { type: 'string', pattern: ACD_NAME } } },
    { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'hangup' } } },
    { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'repeat' } } },
    { type: 'object', additionalProperties: false, required: ['kind', 'box'], properties: { kind: { const: 'voicemail' }, box: { type: 'string', pattern: '^[0-9]{1,8}$' } } },
  ],
} as const;

export const configSchema = {
  $id: 'https://hotline.local/schemas/config-1.json',
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'site', 'sip', 'security', 'rtp', 'extensions'],
  properties: {
    schemaVersion: { const: CURRENT_SCHEMA_VERSION },
    site: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 100 },
        // IANA zone name; validate.ts checks that the runtime knows it.
        timeZone: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+\\-/]+$' },
      },
    },
    // Optional and without defaults on purpose (see MgmtConfig): `mgmtSettings()` supplies them.
    mgmt: {
      type: 'object',
      additionalProperties: false,
      properties: {
        bindAddress: { type: 'string', minLength: 2 },
        httpsPort: port,
        httpPort: { type: 'integer', minimum: 0, maximum: 65535 },
        sessionIdleMin: { type: 'integer', minimum: 1, maximum: 1440 },
        sessionAbsoluteHours: { type: 'integer', minimum: 1, maximum: 168 },
        loginFailureLimitUser: { type: 'integer', minimum: 1, maximum: 1000 },
        loginFailureLimitAddress: { type: 'integer', minimum: 1, maximum: 10000 },
        loginFailureWindowMin: { type: 'integer', minimum: 1, maximum: 1440 },
        lockoutMin: { type: 'integer', minimum: 1, maximum: 1440 },
      },
    },
    sip: {
      type: 'object',
      additionalProperties: false,
      required: ['bindAddress', 'udpPort', 'tcpPort', 'realm'],
      properties: {
        bindAddress: { type: 'string', minLength: 2, default: '0.0.0.0' },
        udpPort: { ...port, default: 5060 },
        tcpPort: { ...port, default: 5060 },
        // The realm is sent inside a quoted-string (RFC 7616 §3.3), so no quote, backslash or line break.
        realm: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^"\\\\\\r\\n]+$' },
        domain: { type: 'string', minLength: 1, maxLength: 253 },
        noAnswerTimeoutSec: { ...seconds(5, 600), default: 30 },
        registerMinExpiresSec: { ...seconds(1, 86400), default: 60 },
        registerMaxExpiresSec: { ...seconds(1, 86400), default: 3600 },
        registerDefaultExpiresSec: { ...seconds(1, 86400), default: 600 },
        nonceLifetimeSec: { ...seconds(10, 86400), default: 300 },
        digestAlgorithms: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { enum: ['MD5', 'SHA-256'] },
          default: ['MD5', 'SHA-256'],
        },
        // RFC 3261 §18.1.1: a UDP datagram cannot exceed 65535 bytes; below ~1300 real INVITEs do not fit.
        maxMessageBytes: { type: 'integer', minimum: 1300, maximum: 65535, default: 65535 },
      },
    },
    security: {
      type: 'object',
      additionalProperties: false,
      required: [],
      properties: {
        authFailureLimit: { type: 'integer', minimum: 1, maximum: 1000, default: 5 },
        authFailureWindowSec: { ...seconds(1, 86400), default: 60 },
        banSec: { ...seconds(0, 604800), default: 600 },
        trustedPeers: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['address', 'name'],
            properties: {
              address: { type: 'string', minLength: 2, maxLength: 45 },
              name: { type: 'string', minLength: 1, maxLength: 64 },
            },
          },
        },
      },
    },
    rtp: {
      type: 'object',
      additionalProperties: false,
      required: ['portMin', 'portMax'],
      properties: {
        portMin: { type: 'integer', minimum: 1024, maximum: 65535 },
        portMax: { type: 'integer', minimum: 1024, maximum: 65535 },
        // Optional without a schema default, like mgmt: `mediaSettings()` supplies it.
        timeoutSec: { type: 'integer', minimum: 5, maximum: 3600 },
        musicOnHold: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 50 },
      },
    },
    // Issue 7: the PBX as SIPREC client. Optional; `recordingSettings()` fills the defaults.
    recording: {
      type: 'object',
      additionalProperties: false,
      required: ['recorder'],
      properties: {
        recorder: {
          type: 'object',
          additionalProperties: false,
          required: ['host'],
          properties: { host: { type: 'string', minLength: 1, maxLength: 253 }, port },
        },
        default: RECORDING_POLICY,
        extensions: { type: 'object', maxProperties: 10000, propertyNames: { pattern: '^[0-9]{2,8}$' }, additionalProperties: RECORDING_POLICY },
        // validate.ts checks that each key names a configured trunk/line group, queue or route.
        trunks: { type: 'object', maxProperties: 100, propertyNames: { pattern: '^(analog:)?[A-Za-z0-9_.-]{1,32}$' }, additionalProperties: RECORDING_POLICY },
        queues: { type: 'object', maxProperties: 1000, propertyNames: { pattern: ACD_NAME }, additionalProperties: RECORDING_POLICY },
        routes: { type: 'object', maxProperties: 1000, propertyNames: { minLength: 1, maxLength: 64 }, additionalProperties: RECORDING_POLICY },
        requireRecorder: { type: 'boolean' },
        probeIntervalSec: { type: 'integer', minimum: 0, maximum: 300 },
        maxPauseSec: { type: 'integer', minimum: 0, maximum: 3600 },
      },
    },
    extensions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['number', 'secret'],
        properties: {
          number: { type: 'string', pattern: '^[0-9]{2,8}$' },
          name: { type: 'string', minLength: 1, maxLength: 64 },
          secret: { type: 'string', minLength: 8, maxLength: 128 },
          maxContacts: { type: 'integer', minimum: 1, maximum: 20, default: DEFAULT_MAX_CONTACTS },
          callWaiting: { type: 'boolean', default: false },
        },
      },
    },
    // Optional without schema defaults (like mgmt): `trunkSettings()` fills them in.
    trunks: {
      type: 'array',
      maxItems: 64,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'host'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' },
          host: { type: 'string', minLength: 1, maxLength: 253 },
          port: { type: 'integer', minimum: 1, maximum: 65535 },
          transport: { enum: ['udp', 'tcp'] },
          username: { type: 'string', minLength: 1, maxLength: 64 },
          password: { type: 'string', minLength: 1, maxLength: 128 },
          register: { type: 'boolean' },
          expiresSec: { type: 'integer', minimum: 60, maximum: 86400 },
          keepaliveSec: { type: 'integer', minimum: 5, maximum: 3600 },
        },
      },
    },
    // Optional without schema defaults (like mgmt): `analogSettings()` fills them in.
    analog: {
      type: 'object',
      additionalProperties: false,
      required: ['cards'],
      properties: {
        cards: {
          type: 'array',
          maxItems: 8,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'driver', 'ports'],
            properties: {
              name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' },
              driver: { enum: ['dahdi', 'simulator'] },
              ports: {
                type: 'array',
                maxItems: 240,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['port', 'kind'],
                  properties: {
                    port: { type: 'integer', minimum: 1, maximum: 1024 },
                    kind: { enum: ['FXS', 'FXO'] },
                    extension: { type: 'string', pattern: '^[0-9]{2,8}$' },
                    group: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' },
                    did: { type: 'string', pattern: '^[0-9*#+]{1,32}$' },
                    echoCancelTaps: { type: 'integer', minimum: 0, maximum: 1024 },
                  },
                },
              },
            },
          },
        },
        lineGroups: {
          type: 'array',
          maxItems: 64,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: {
              name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' },
              hunt: { enum: ['sequential', 'round-robin'] },
            },
          },
        },
        law: { enum: ['alaw', 'ulaw'] },
        toneZone: { enum: ['cn', 'us', 'eu', 'uk'] },
        callerId: { enum: ['bell202', 'v23', 'dtmf', 'off'] },
        ringsBeforeAnswer: { type: 'integer', minimum: 1, maximum: 10 },
        interDigitTimeoutSec: { type: 'integer', minimum: 1, maximum: 30 },
        sipPort: { type: 'integer', minimum: 1024, maximum: 65535 },
      },
    },
    // Optional without schema defaults: `routeSettings()` fills them in.
    routes: {
      type: 'object',
      additionalProperties: false,
      properties: {
        inbound: {
          type: 'array',
          maxItems: 500,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'destination'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 64 },
              did: { type: 'string', pattern: DIAL_MATCHER },
              callerNumber: { type: 'string', pattern: DIAL_MATCHER },
              destination: {
                type: 'object',
                required: ['kind'],
                oneOf: [
                  { type: 'object', additionalProperties: false, required: ['kind', 'number'], properties: { kind: { const: 'extension' }, number: { type: 'string', pattern: '^[0-9]{2,8}$' } } },
                  { type: 'object', additionalProperties: false, required: ['kind', 'menu'], properties: { kind: { const: 'ivr' }, menu: { type: 'string', pattern: ACD_NAME } } },
                  { type: 'object', additionalProperties: false, required: ['kind', 'name'], properties: { kind: { const: 'queue' }, name: { type: 'string', pattern: ACD_NAME } } },
                  { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'hangup' } } },
                ],
              },
            },
          },
        },
        outbound: {
          type: 'array',
          maxItems: 500,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'patterns', 'trunks'],
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 64 },
              patterns: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', pattern: DIAL_MATCHER } },
              strip: { type: 'integer', minimum: 0, maximum: 32 },
              prepend: { type: 'string', pattern: '^[0-9*#+]{0,32}$' },
              trunks: { type: 'array', minItems: 1, maxItems: 16, items: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' } },
            },
          },
        },
        emergencyNumbers: { type: 'array', maxItems: 20, items: { type: 'string', pattern: '^[0-9]{2,8}$' } },
      },
    },
    // Optional without schema defaults: `acdSettings()` fills them in.
    acd: {
      type: 'object',
      additionalProperties: false,
      properties: {
        skills: {
          type: 'array',
          maxItems: 200,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: { name: { type: 'string', pattern: ACD_NAME }, zh: LABEL, en: LABEL },
          },
        },
        queues: {
          type: 'array',
          maxItems: 500,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: {
              name: { type: 'string', pattern: ACD_NAME },
              number: DIAL_NUMBER,
              strategy: { enum: ['ring-all', 'longest-idle', 'round-robin', 'fewest-calls', 'random', 'linear'] },
              ringTimeoutSec: seconds(1, 600),
              retrySec: seconds(0, 600),
              wrapUpSec: seconds(0, 3600),
              maxWaitSec: seconds(0, 86400),
              maxLength: { type: 'integer', minimum: 0, maximum: 100000 },
              overflow: {
                type: 'object',
                required: ['kind'],
                oneOf: [
                  { type: 'object', additionalProperties: false, required: ['kind', 'number'], properties: { kind: { const: 'extension' }, number: { type: 'string', pattern: '^[0-9]{2,8}$' } } },
                  { type: 'object', additionalProperties: false, required: ['kind', 'name'], properties: { kind: { const: 'queue' }, name: { type: 'string', pattern: ACD_NAME } } },
                  { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'hangup' } } },
                  { type: 'object', additionalProperties: false, required: ['kind', 'box'], properties: { kind: { const: 'voicemail' }, box: { type: 'string', pattern: '^[0-9]{1,8}$' } } },
                ],
              },
              joinEmpty: { enum: ['always', 'if-logged-in', 'if-ready'] },
              serviceLevelSec: seconds(1, 3600),
              priority: { type: 'integer', minimum: 0, maximum: 100 },
              requiredSkills: {
                type: 'array',
                maxItems: 10,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['skill', 'minLevel'],
                  properties: { skill: { type: 'string', pattern: ACD_NAME }, minLevel: SKILL_LEVEL },
                },
              },
              relaxation: {
                type: 'array',
                maxItems: 10,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['afterSec'],
                  properties: {
                    afterSec: seconds(1, 86400),
                    lowerLevelsBy: { type: 'integer', minimum: 1, maximum: 9 },
                    anyAgent: { type: 'boolean' },
                  },
                },
              },
              announcePositionSec: seconds(0, 3600),
              announceWaitSec: seconds(0, 3600),
              callbackAllowed: { type: 'boolean' },
              callbackDigit: { type: 'string', pattern: '^[0-9*#]$' },
              callbackRetries: { type: 'integer', minimum: 0, maximum: 10 },
              callbackRetrySec: seconds(1, 3600),
              vipNumbers: { type: 'array', maxItems: 10000, items: { type: 'string', pattern: '^[0-9*#+]{1,32}$' } },
              vipIvrDigit: { type: 'string', pattern: '^[0-9*#]$' },
              vipPriority: { type: 'integer', minimum: 1, maximum: 100 },
              noAnswer: { enum: ['not-ready', 'stay-ready'] },
              musicOnHold: { type: 'string', minLength: 1, maxLength: 64 },
            },
          },
        },
        agents: {
          type: 'array',
          maxItems: 5000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['number', 'queues'],
            properties: {
              number: { type: 'string', pattern: '^[0-9]{2,8}$' },
              name: { type: 'string', minLength: 1, maxLength: 64 },
              pin: { type: 'string', pattern: '^[0-9]{4,8}$' },
              skills: {
                type: 'array',
                maxItems: 50,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['skill', 'level'],
                  properties: { skill: { type: 'string', pattern: ACD_NAME }, level: SKILL_LEVEL },
                },
              },
              queues: {
                type: 'array',
                maxItems: 100,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['queue'],
                  properties: { queue: { type: 'string', pattern: ACD_NAME }, penalty: { type: 'integer', minimum: 0, maximum: 100 } },
                },
              },
            },
          },
        },
        notReadyReasons: {
          type: 'array',
          maxItems: 50,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['code', 'zh', 'en'],
            properties: { code: { type: 'string', pattern: ACD_NAME }, zh: LABEL, en: LABEL },
          },
        },
        screenPopLeadMs: { type: 'integer', minimum: 0, maximum: 2000 },
        supervisors: { type: 'array', maxItems: 500, uniqueItems: true, items: { type: 'string', pattern: '^[0-9]{2,8}$' } },
      },
    },

    // Voicemail boxes (issue 6, docs/voicemail.md); `voicemailSettings()` fills in the defaults.
    voicemail: {
      type: 'object',
      additionalProperties: false,
      properties: {
        boxes: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['box', 'name'],
            properties: {
              box: { type: 'string', pattern: '^[0-9]{1,8}$' },
              name: { type: 'string', minLength: 1, maxLength: 64 },
              owners: { type: 'array', maxItems: 50, uniqueItems: true, items: { type: 'string', pattern: '^[0-9]{2,8}$' } },
              greeting: PROMPT_NAME,
              maxMessageSec: { type: 'integer', minimum: 5, maximum: 600 },
            },
          },
        },
      },
    },

    // Optional without schema defaults: `ivrSettings()` fills them in.
    ivr: {
      type: 'object',
      additionalProperties: false,
      properties: {
        language: { enum: ['zh-CN', 'en'] },
        promptRecorders: { type: 'array', maxItems: 100, uniqueItems: true, items: { type: 'string', pattern: '^[0-9]{2,8}$' } },
        menus: {
          type: 'array',
          maxItems: 500,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'prompt'],
            properties: {
              name: { type: 'string', pattern: ACD_NAME },
              number: DIAL_NUMBER,
              prompt: PROMPT_NAME,
              options: {
                type: 'array',
                maxItems: 12,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['digit', 'destination'],
                  properties: {
                    digit: { type: 'string', pattern: '^[0-9*#]$' },
                    destination: IVR_DESTINATION,
                    skills: {
                      type: 'array',
                      maxItems: 10,
                      items: { type: 'object', additionalProperties: false, required: ['skill', 'minLevel'], properties: { skill: { type: 'string', pattern: ACD_NAME }, minLevel: SKILL_LEVEL } },
                    },
                  },
                },
              },
              collect: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'maxDigits', 'then'],
                properties: {
                  name: { type: 'string', pattern: ACD_NAME },
                  minDigits: { type: 'integer', minimum: 1, maximum: 32 },
                  maxDigits: { type: 'integer', minimum: 1, maximum: 32 },
                  then: IVR_DESTINATION,
                },
              },
              timeoutSec: seconds(1, 60),
              maxRetries: { type: 'integer', minimum: 0, maximum: 10 },
              invalidPrompt: PROMPT_NAME,
              timeoutPrompt: PROMPT_NAME,
              failDestination: IVR_DESTINATION,
            },
          },
        },
        timeConditions: {
          type: 'array',
          maxItems: 100,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'hours', 'open', 'closed'],
            properties: {
              name: { type: 'string', pattern: ACD_NAME },
              hours: {
                type: 'array',
                maxItems: 50,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['days', 'from', 'to'],
                  properties: {
                    days: { type: 'array', minItems: 1, maxItems: 7, items: { type: 'integer', minimum: 1, maximum: 7 } },
                    from: { type: 'string', pattern: HH_MM },
                    to: { type: 'string', pattern: HH_MM },
                  },
                },
              },
              holidays: { type: 'array', maxItems: 400, items: { type: 'string', pattern: '^([0-9]{4}-)?[0-9]{2}-[0-9]{2}$' } },
              open: { type: 'string', pattern: ACD_NAME },
              closed: { type: 'string', pattern: ACD_NAME },
            },
          },
        },
      },
    },
    // Optional without schema defaults: `snmpSettings()` fills them in.
    snmp: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        bindAddress: { type: 'string', minLength: 2, maxLength: 45 },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        // RFC 3411 §5 SnmpEngineID: 5 to 32 octets.
        engineId: { type: 'string', pattern: '^([0-9A-Fa-f]{2}){5,32}$' },
        contact: { type: 'string', maxLength: 255 },
        location: { type: 'string', maxLength: 255 },
        v2c: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean' },
            community: { type: 'string', minLength: 1, maxLength: 64 },
            allowedSources: { type: 'array', maxItems: 64, items: { type: 'string', minLength: 2, maxLength: 49 } },
          },
        },
        v3Users: {
          type: 'array',
          maxItems: 16,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'authKey', 'privKey'],
            properties: {
              // RFC 3414 usmUserName: SnmpAdminString (SIZE(1..32)).
              name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' },
              authProtocol: { enum: ['SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'] },
              // RFC 3414 §11.2: passphrases shorter than 8 characters are refused by the tools.
              authKey: { type: 'string', minLength: 8, maxLength: 128 },
              privProtocol: { enum: ['AES', 'AES-256'] },
              privKey: { type: 'string', minLength: 8, maxLength: 128 },
            },
          },
        },
        trapTargets: {
          type: 'array',
          maxItems: 16,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['host', 'version'],
            properties: {
              host: { type: 'string', minLength: 2, maxLength: 45 },
              port: { type: 'integer', minimum: 1, maximum: 65535 },
              version: { enum: ['v2c', 'v3'] },
              community: { type: 'string', minLength: 1, maxLength: 64 },
              user: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' },
              mode: { enum: ['trap', 'inform'] },
              retries: { type: 'integer', minimum: 0, maximum: 10 },
              timeoutSec: { type: 'integer', minimum: 1, maximum: 60 },
            },
          },
        },
      },
    },
    // Optional without schema defaults: `devicesSettings()` fills them in.
    devices: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ups: {
          type: 'object',
          additionalProperties: false,
          required: ['port'],
          properties: {
            port: { type: 'string', pattern: '^/[^\\s]{1,200}$' },
            baudRate: { enum: [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] },
          },
        },
        roomSensor: {
          type: 'object',
          additionalProperties: false,
          required: ['port'],
          properties: {
            port: { type: 'string', pattern: '^/[^\\s]{1,200}$' },
            baudRate: { enum: [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] },
            address: { type: 'integer', minimum: 1, maximum: 247 },
            registerType: { enum: ['holding', 'input'] },
            temperatureRegister: { type: 'integer', minimum: 0, maximum: 65535 },
            humidityRegister: { type: 'integer', minimum: 0, maximum: 65535 },
            scale: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
            thresholds: {
              type: 'object',
              additionalProperties: false,
              properties: {
                temperatureHighC: { type: 'number', minimum: -40, maximum: 100 },
                temperatureLowC: { type: 'number', minimum: -40, maximum: 100 },
                humidityHighPercent: { type: 'number', minimum: 0, maximum: 100 },
                humidityLowPercent: { type: 'number', minimum: 0, maximum: 100 },
              },
            },
          },
        },
        smsModem: {
          type: 'object',
          additionalProperties: false,
          required: ['port', 'recipients'],
          properties: {
            port: { type: 'string', pattern: '^/[^\\s]{1,200}$' },
            baudRate: { enum: [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] },
            recipients: { type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: '^\\+?[0-9]{3,20}$' } },
            maxPerHour: { type: 'integer', minimum: 1, maximum: 1000 },
            minSeverity: { enum: ['critical', 'major', 'minor', 'warning'] },
          },
        },
        gateways: {
          type: 'array',
          maxItems: 64,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['index', 'name', 'host', 'version'],
            properties: {
              index: { type: 'integer', minimum: 1, maximum: 65535 },
              name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' },
              host: { type: 'string', minLength: 2, maxLength: 45 },
              port: { type: 'integer', minimum: 1, maximum: 65535 },
              version: { enum: ['v2c', 'v3'] },
              community: { type: 'string', minLength: 1, maxLength: 64 },
              user: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'authKey', 'privKey'],
                properties: {
                  name: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' },
                  authProtocol: { enum: ['SHA', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'] },
                  authKey: { type: 'string', minLength: 8, maxLength: 128 },
                  privProtocol: { enum: ['AES', 'AES-256'] },
                  privKey: { type: 'string', minLength: 8, maxLength: 128 },
                },
              },
              portStates: {
                type: 'object',
                additionalProperties: false,
                required: ['oid'],
                properties: {
                  // A table column, numeric (the monitor loads no MIBs).
                  oid: { type: 'string', pattern: '^1(\\.[0-9]{1,10}){2,40}$' },
                  upValues: { type: 'array', minItems: 1, maxItems: 16, items: { type: 'integer', minimum: -2147483648, maximum: 2147483647 } },
                },
              },
            },
          },
        },
      },
    },
    // Optional without schema defaults: `monitorSettings()` fills them in.
    monitor: {
      type: 'object',
      additionalProperties: false,
      properties: {
        pollIntervalSec: { type: 'integer', minimum: 1, maximum: 3600 },
        thresholds: {
          type: 'object',
          additionalProperties: false,
          properties: {
            diskUsedPercent: { type: 'integer', minimum: 1, maximum: 100 },
            memoryUsedPercent: { type: 'integer', minimum: 1, maximum: 100 },
            cpuLoadPercent: { type: 'integer', minimum: 1, maximum: 100 },
            temperatureCelsius: { type: 'integer', minimum: 30, maximum: 150 },
            timeOffsetMs: { type: 'integer', minimum: 1, maximum: 3_600_000 },
            diskTemperatureCelsius: { type: 'integer', minimum: 30, maximum: 100 },
            diskReallocatedSectors: { type: 'integer', minimum: 1, maximum: 100_000 },
            sensorTemperatureCelsius: { type: 'integer', minimum: 30, maximum: 150 },
            fanMinRpm: { type: 'integer', minimum: 1, maximum: 20_000 },
            interfaceErrorsPerMinute: { type: 'integer', minimum: 1, maximum: 1_000_000 },
          },
        },
        // Linux interface names: at most 15 characters (IFNAMSIZ - 1).
        interfaces: { type: 'array', maxItems: 64, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9_.:@-]{1,15}$' } },
        email: {
          type: 'object',
          additionalProperties: false,
          required: ['host', 'from', 'recipients'],
          properties: {
            enabled: { type: 'boolean' },
            host: { type: 'string', pattern: '^[A-Za-z0-9.:_-]{1,253}$' },
            port: { type: 'integer', minimum: 1, maximum: 65535 },
            security: { enum: ['tls', 'starttls', 'none'] },
            verifyCertificate: { type: 'boolean' },
            user: { type: 'string', minLength: 1, maxLength: 254 },
            password: { type: 'string', minLength: 1, maxLength: 254 },
            // Addresses as the mail server will see them; no display names, no list syntax.
            from: { type: 'string', pattern: '^[^\\s@<>,;]{1,64}@[^\\s@<>,;]{1,253}$' },
            recipients: { type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: '^[^\\s@<>,;]{1,64}@[^\\s@<>,;]{1,253}$' } },
            minSeverity: { enum: ['critical', 'major', 'minor', 'warning'] },
            maxPerHour: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
      },
    },
  },
} as const;
