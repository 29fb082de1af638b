// Hash routing: `#/extensions`. The mgmt service serves one index.html, so hash routes
// need no server-side fallback.

function read(): string {
  return location.hash.replace(/^#\/?/, '').split('?')[0] || 'dashboard';
}

class Router {
  /** Current page path (nav entry `path`). */
  path = $state(read());

  constructor() {
    window.addEventListener('hashchange', () => {
      this.path = read();
    });
  }

  /** Opens a page. */
  go(path: string): void {
    location.hash = `#/${path}`;
  }
}

/** The app-wide router. */
export const router = new Router();
