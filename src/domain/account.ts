/** Who an account is, as every layer refers to it. */
import type { Role } from "./permissions.ts";

export interface Account {
  id: number;
  email: string;
  role: Role;
}

/** A signed-in account and the session it came with. */
export interface SessionUser extends Account {
  sessionId: number;
}
