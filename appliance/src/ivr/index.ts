/** The IVR engine (issue 6, docs/ivr.md): menus, digit collection and time conditions, without I/O. */
export { IvrRun, IvrError, GOODBYE_PROMPT, type IvrAction, type IvrExit, type IvrChoice } from './ivr-run.ts';
export { isOpen, localTime } from './time-conditions.ts';
export { PromptRecordDialog, RECORD_PROMPTS, type PromptRecordAction, type PromptRecordLimits } from './prompt-record-dialog.ts';
