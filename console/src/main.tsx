import { render } from 'preact';

function App() {
  return <h1>万米</h1>;
}
render(<App />, document.getElementById('app') as HTMLElement);
