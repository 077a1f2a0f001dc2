/** Tagged templates for preact (no JSX build step). */
export { html } from 'htm/preact';
