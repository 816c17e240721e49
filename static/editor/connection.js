// The connection indicator: connected, connecting / reconnecting, or offline.
//
// Editing never stops: offline edits stay in the local document and the provider
// merges them when the socket comes back (y-websocket's own behaviour).

const RETRIES_BEFORE_OFFLINE = 2;
const TEXT = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline — your edits will sync when you reconnect",
  refused: "Not connected: the server refused this session — sign in again",
};
// Close codes (docs/auth.md, "When access changes"): 1008 - no access (any more): never
// retry; 4001 - your rights on this document changed: open the page again, which gives
// the editor (and its socket) the new rights.
const POLICY_VIOLATION = 1008;
const ACCESS_CHANGED = 4001;
const REASONS = {
  "not allowed": TEXT.refused,
  "signed out": "Not connected: you signed out — sign in again",
  "access revoked": "Not connected: the access this editor used was revoked",
  "role changed": "Not connected: your role changed and no longer lets you open this curriculum",
  "removed from curriculum": "Not connected: you were removed from this curriculum",
  "account removed": "Not connected: this account was removed",
};

export class ConnectionStatus {
  constructor(provider, element) {
    this.provider = provider;
    this.element = element;
    this.text = element.querySelector(".connection-text");
    this.everConnected = false;
    this.socketState = "connecting"; // the provider's: connecting | connected | disconnected

    this.onStatus = ({ status }) => {
      this.socketState = status;
      if (status === "connected") this.everConnected = true;
      this.render();
    };
    this.onSync = () => this.render();
    // the server says we may not open this document (signed out, or access taken
    // away), or refuses what we sent (a change past the curriculum's size quota):
    // retrying would only be refused again, so stop, and say why in its words
    this.refused = false;
    this.refusal = TEXT.refused;
    this.onClose = (event) => {
      if (event && event.code === POLICY_VIOLATION) {
        this.refused = true;
        // a reason of its own (e.g. the size quota's) is shown as the server wrote it
        this.refusal =
          REASONS[event.reason] ||
          (event.reason
            ? `Not connected: ${event.reason} Reload the page to go on editing.`
            : TEXT.refused);
        provider.disconnect();
      } else if (event && event.code === ACCESS_CHANGED) {
        provider.disconnect();
        window.location.reload(); // the page and its socket open with the new rights
      }
      this.render();
    };
    // y-websocket notices a dead network only when its socket has been quiet for 30 s.
    // When the browser says it is offline, drop the socket now (edits stay local, and
    // the indicator says so); when it is back, retry at once instead of after back-off.
    this.onOffline = () => {
      if (provider.shouldConnect) restart(provider);
      this.render();
    };
    this.onOnline = () => {
      if (provider.shouldConnect && !provider.wsconnected) restart(provider);
      this.render();
    };
    provider.on("status", this.onStatus);
    provider.on("sync", this.onSync);
    provider.on("connection-close", this.onClose);
    window.addEventListener("offline", this.onOffline);
    window.addEventListener("online", this.onOnline);
    this.render();
  }

  get state() {
    const provider = this.provider;
    if (this.refused && !provider.shouldConnect) return "refused";
    if (!navigator.onLine || !provider.shouldConnect) return "offline";
    if (this.socketState === "connected") return "connected";
    // after a couple of failed attempts the server is not coming back right away
    if (provider.wsUnsuccessfulReconnects >= RETRIES_BEFORE_OFFLINE) return "offline";
    return this.everConnected ? "reconnecting" : "connecting";
  }

  render() {
    const state = this.state;
    const text = state === "refused" ? this.refusal : TEXT[state];
    if (this.element.dataset.state === state && this.text.textContent === text) return;
    this.element.dataset.state = state;
    this.text.textContent = text;
  }

  destroy() {
    this.provider.off("status", this.onStatus);
    this.provider.off("sync", this.onSync);
    this.provider.off("connection-close", this.onClose);
    window.removeEventListener("offline", this.onOffline);
    window.removeEventListener("online", this.onOnline);
  }
}

function restart(provider) {
  provider.disconnect();
  provider.connect();
}
