import { useEffect, useState } from 'preact/hooks';

/** Path and query string, following history navigation (the city-wide queue keeps its filters in the URL). */
export function useLocation(): { path: string; search: string } {
  const read = () => ({ path: location.pathname, search: location.search });
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const on = () =>
      setLoc((prev) => {
        const next = read();
        return prev.path === next.path && prev.search === next.search ? prev : next;
      });
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return loc;
}

/** Replaces the query string without a new history entry (filters typed on the page). */
export function replaceSearch(params: URLSearchParams): void {
  const q = params.toString();
  const url = `${location.pathname}${q ? `?${q}` : ''}`;
  if (url === location.pathname + location.search) return;
  history.replaceState(null, '', url);
  dispatchEvent(new PopStateEvent('popstate'));
}
