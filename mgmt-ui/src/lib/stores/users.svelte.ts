// Users page state.
import { api } from '../api/api.ts';
import type { UserAccount, UserInput } from '../api/types.ts';

class UsersState {
  /** All accounts. */
  items = $state<UserAccount[]>([]);

  /** Loads all accounts; throws ApiError. */
  async load(): Promise<void> {
    this.items = await api.users.list();
  }

  /** Creates or updates an account and reloads; throws ApiError. */
  async save(existing: string | undefined, input: UserInput): Promise<void> {
    if (existing) await api.users.update(existing, input);
    else await api.users.create(input);
    await this.load();
  }

  /** Deletes an account and reloads. */
  async remove(username: string): Promise<void> {
    await api.users.remove(username);
    await this.load();
  }
}

/** The Users page state. */
export const users = new UsersState();
