/** Configuration store: schema, validation, atomic versioned storage, env overrides, demo site. */
export type { AnalogConfig, AnalogPortConfig, CallerIdSignalling, CardConfig, LineGroupConfig, TrunkConfig, ChangeMeta, ConfigVersion, DigestAlgorithm, ExtensionConfig, HotlineConfig, MgmtConfig, RtpConfig, SecurityConfig, SipConfig, TrustedPeer, RoutesConfig, InboundRouteConfig, OutboundRouteConfig, RouteDestination, AcdConfig, AcdAgentConfig, AcdQueueConfig, AcdReasonConfig, AcdSkillConfig, AcdSkillRequirement, AcdRelaxStep, AcdStrategy, AcdOverflowDestination, AcdJoinEmpty, SnmpConfig, SnmpV3User, GatewayConfig, GatewayV3User, SnmpTrapTarget, SnmpAuthProtocol, SnmpPrivProtocol, MonitorConfig, MonitorThresholds, EmailNotifyConfig, SmtpSecurity, NotifySeverity, DevicesConfig, SerialPortConfig, RoomSensorConfig, SmsModemConfig, RecordingConfig, RecordingPolicy, IvrConfig, IvrDestination, IvrMenuConfig, IvrOptionConfig, IvrCollectConfig, IvrTimeConditionConfig, IvrOpenHours } from './types.ts';
export { CURRENT_SCHEMA_VERSION, DEFAULT_MAX_CONTACTS, DEFAULT_MEDIA_TIMEOUT_SEC, DEFAULT_MGMT, DEFAULT_TIME_ZONE, defaultConfig, mediaSettings, mgmtSettings, siteTimeZone, trunkSettings, type TrunkSettings, analogSettings, type AnalogSettings, DEFAULT_ANALOG_SIP_PORT, routeSettings, type RouteSettings, DEFAULT_EMERGENCY_NUMBERS, acdSettings, acdQueueSettings, acdAgentSettings, type AcdSettings, type AcdQueueSettings, type AcdAgentSettings, ACD_NO_ANSWER_REASON, ACD_SUPERVISOR_REASON, DEFAULT_NOT_READY_REASONS, snmpSettings, type SnmpSettings, DEFAULT_SNMP_PORT, defaultEngineId, monitorSettings, DEFAULT_MONITOR_THRESHOLDS, type EmailSettings, devicesSettings, gatewaySettings, type GatewaySettings, IF_OPER_STATUS_OID, DEFAULT_ROOM_THRESHOLDS, type RoomSensorSettings, ivrSettings, type IvrSettings, type IvrMenuSettings, IVR_DEFAULT_FAIL } from './defaults.ts';
export { configSchema } from './schema.ts';
export { ConfigLockedError, ConfigValidationError, ConfigVersionNotFoundError, EnvOverrideError, type ConfigIssue } from './errors.ts';
export { validateConfig } from './validate.ts';
export { configMigrations, migrateConfigDocument, type ConfigMigration } from './migrations.ts';
export { atomicWriteFile, fsyncDir, type AtomicWriteHooks } from './atomic-file.ts';
export { acquireLock, withLock, type LockHandle, type LockOptions } from './lock.ts';
export { lineDiff } from './line-diff.ts';
export { configDigest, serializeConfig } from './history.ts';
export { ConfigStore, type ConfigPaths, type ConfigStoreOptions } from './store.ts';
export { applyEnvOverrides } from './env-overrides.ts';
export { demoSite, ensureFirstStart, randomSecret, type DemoCredential } from './demo-site.ts';
