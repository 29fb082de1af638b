/** Voicemail (issue 6, docs/voicemail.md): the caller's dialog, without I/O. */
export { VoicemailDialog, VOICEMAIL_BEEP, type VoicemailAction, type VoicemailLimits } from './voicemail-dialog.ts';
