// Entry point: mounts the app into index.html's #app.
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { i18n } from './lib/i18n/i18n.svelte.ts';

document.documentElement.lang = i18n.locale;

/** The mounted application. */
export default mount(App, { target: document.getElementById('app')! });
