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
const POLICY_VIOLATION = 1008;

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
    this.refusal = "";
    this.onClose = (event) => {
      if (event && event.code === POLICY_VIOLATION) {
        this.refused = true;
        this.refusal = event.reason === "not allowed" ? "" : event.reason;
        provider.disconnect();
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
    const text =
      state === "refused" && this.refusal
        ? `Not connected: ${this.refusal} Reload the page to go on editing.`
        : TEXT[state];
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
