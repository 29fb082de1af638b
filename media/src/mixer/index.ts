/** Conference mixing with supervisor roles (listen, whisper, barge). */
export * from './conference-mixer.ts';
