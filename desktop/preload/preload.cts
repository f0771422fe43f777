/**
 * The page's only door to the till: `window.afrigest.call(method, input)` and
 * `window.afrigest.on(event, listener)`, the BridgeTransport of desktop/bridge/client. A sandboxed
 * preload is one CommonJS file that may require nothing but electron, hence `.cts` and no imports
 * of ours beyond types.
 */
import electron = require('electron');
import type { BridgeTransport } from '../bridge/client.js' with { 'resolution-mode': 'import' };

const CALL_CHANNEL = 'bridge:call';
const EVENT_CHANNEL = 'bridge:event';

const bridge: BridgeTransport = {
  call: (method, input) => electron.ipcRenderer.invoke(CALL_CHANNEL, String(method), input),
  on(event, listener) {
    const handler = (_event: unknown, message: { event?: unknown; payload?: unknown }) => {
      if (message?.event === event) listener(message.payload);
    };
    electron.ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      electron.ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
};

electron.contextBridge.exposeInMainWorld('afrigest', bridge);
