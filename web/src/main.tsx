// The global styles come first, so that the components' own stylesheets
// (imported by each component) follow them in the bundle.
import './styles/global.css';
import './styles/ui.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyTheme, watchSystemTheme } from './theme';

applyTheme();
watchSystemTheme();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
