/** SFTP with a pinned host key and durable writes, shared by the backup target and the recorder's archive. */
export { SftpConnection, SftpError, sshFingerprint, sftpDescription, type SftpSettings, type SftpStage } from './sftp-connection.ts';
