import { render } from 'preact';
import { App } from './app.js';
import { loadConfig } from './config.js';
import { SignIn } from './session.js';
import './styles.css';

async function start(root: HTMLElement): Promise<void> {
  const signIn = new SignIn(await loadConfig());
  const session = await signIn.current();
  render(<App signIn={signIn} session={session} />, root);
}

const root = document.getElementById('app');
if (root) {
  start(root).catch((error: unknown) => {
    root.textContent = `控制台无法启动 · The console could not start: ${error instanceof Error ? error.message : String(error)}`;
  });
}
