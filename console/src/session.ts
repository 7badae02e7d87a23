import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Category, User } from './types.js';

export interface Settings {
  district: { division: string; name: string };
  city: { division: string; name: string };
  basemap: string | null;
}

/** What every screen may read: the user, the appliance settings and lookup tables. */
export interface Session {
  user: User;
  settings: Settings;
  categories: Map<string, Category>;
  /** Staff display names and department names by id. */
  people: Map<string, string>;
  departments: Map<string, string>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a logged-in shell');
  return s;
}

export function categoryLabel(categories: Map<string, Category>, kind: string | null, code: string | null): string {
  if (!kind || !code) return '—';
  const c = categories.get(`${kind}:${code}`);
  return c ? `${c.code} ${c.name}` : code;
}
