import { Role } from '../kernel/actor';
export interface User {
  id: number;
  username: string;
  displayName: string | null;
  passwordHash: string;
  jurisdictionId: number;
  roles: Role[];
  active: boolean;
  passwordChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}
