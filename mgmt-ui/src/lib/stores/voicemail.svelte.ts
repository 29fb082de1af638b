// Voicemail page state (issue 6): the boxes with their counts, the chosen box's messages.
import { api } from '../api/api.ts';
import type { VoicemailBox, VoicemailMessage } from '../api/types.ts';

class VoicemailState {
  boxes = $state<VoicemailBox[]>([]);
  /** The box whose messages are shown. */
  box = $state<string | undefined>(undefined);
  messages = $state<VoicemailMessage[]>([]);

  /** Loads the boxes and the chosen box's messages (the first box when none is chosen); throws ApiError. */
  async load(): Promise<void> {
    this.boxes = (await api.voicemail.boxes()).boxes;
    if (!this.box || !this.boxes.some((b) => b.box === this.box)) this.box = this.boxes[0]?.box;
    this.messages = this.box ? (await api.voicemail.messages(this.box)).messages : [];
  }

  /** Shows another box. */
  async choose(box: string): Promise<void> {
    this.box = box;
    await this.load();
  }

  /** Marks a message heard (played) or new again, and refreshes the counts. */
  async setHeard(m: VoicemailMessage, heard: boolean): Promise<void> {
    if (m.heard === heard) return;
    await api.voicemail.setHeard(m.id, heard);
    await this.load();
  }

  /** Deletes a message (file and row). */
  async remove(m: VoicemailMessage): Promise<void> {
    await api.voicemail.remove(m.id);
    await this.load();
  }
}

/** The Voicemail page state. */
export const voicemail = new VoicemailState();
