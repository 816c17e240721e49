// One y-websocket connection over a raw `ws` socket: no provider, no awareness, no
// reconnects, so that one Node process can hold thousands of them on one event loop.
//
// It behaves like a stock client on the sync protocol: on open it sends sync step 1,
// it answers the server's step 1 with a step 2, and it counts as synced when the
// server's step 2 arrives.

import WebSocket from 'ws'
import * as Y from 'yjs'
import { nowUs } from './clock.mjs'
import {
  EMPTY_UPDATE,
  MESSAGE_SYNC,
  STEP1,
  STEP2,
  UPDATE,
  parseMessage,
  step1Message,
  step2Message
} from './protocol.mjs'

export const roomUrl = (base, room, token) =>
  `${base.replace(/\/$/, '')}/${room}` + (token ? `?token=${encodeURIComponent(token)}` : '')

export class SyncConnection {
  /**
   * @param {string} url full URL of the room (see roomUrl)
   * @param {object} [options]
   * @param {Y.Doc} [options.doc] answer the server's step 1 from this document (default: empty)
   * @param {(update: Uint8Array, fromStep2: boolean, atUs: number) => void} [options.onUpdate]
   * @param {boolean} [options.deflate] offer permessage-deflate, as browsers and `ws` do
   * @param {(stateVector: Uint8Array, atUs: number) => void} [options.onStep1] the server's
   *   sync step 1 (its state vector: what it holds before this client sends anything)
   */
  constructor (url, { doc = null, onUpdate = null, deflate = true, onStep1 = null } = {}) {
    this.url = url
    this.doc = doc
    this.onUpdate = onUpdate
    this.onStep1 = onStep1
    this.deflate = deflate
    this.socket = null
    this.startedUs = 0
    this.openedUs = 0
    this.syncedUs = 0
    this.step2Bytes = 0
    this.closeCode = null
    this.closeReason = ''
    this.error = null
    this.received = 0
    this._synced = null
  }

  /** Connect and resolve once the server's sync step 2 has arrived (or reject). */
  connect (timeoutMs = 10000) {
    if (this._synced) return this._synced
    this._synced = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`not synced within ${timeoutMs} ms`))
      }, timeoutMs)
      this._resolve = () => { clearTimeout(timer); resolve(this) }
      this._reject = (err) => { clearTimeout(timer); reject(err) }
    })
    this.startedUs = nowUs()
    const socket = new WebSocket(this.url, { perMessageDeflate: this.deflate, maxPayload: 512 * 1024 * 1024 })
    this.socket = socket
    socket.on('open', () => {
      this.openedUs = nowUs()
      socket.send(step1Message())
    })
    socket.on('message', (data, isBinary) => {
      if (!isBinary) return
      this._onFrame(data)
    })
    socket.on('error', (err) => {
      this.error = err.message
      this._reject?.(err)
    })
    socket.on('close', (code, reason) => {
      this.closeCode = code
      this.closeReason = reason.toString()
      this._reject?.(new Error(`closed ${code} ${this.closeReason}`))
    })
    return this._synced
  }

  _onFrame (data) {
    const atUs = nowUs()
    this.received += 1
    const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    const message = parseMessage(frame)
    if (message.type !== MESSAGE_SYNC) return
    if (message.subtype === STEP1) {
      this.onStep1?.(message.payload, atUs)
      const update = this.doc ? Y.encodeStateAsUpdate(this.doc, message.payload) : EMPTY_UPDATE
      this.send(step2Message(update))
    } else if (message.subtype === STEP2) {
      const first = this.syncedUs === 0
      if (first) {
        this.syncedUs = atUs
        this.step2Bytes = message.payload.byteLength
      }
      this.onUpdate?.(message.payload, true, atUs)
      if (first) this._resolve?.()
    } else if (message.subtype === UPDATE) {
      this.onUpdate?.(message.payload, false, atUs)
    }
  }

  get synced () {
    return this.syncedUs !== 0
  }

  get open () {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN
  }

  send (message) {
    if (this.open) this.socket.send(message)
  }

  /** Bytes queued in the socket that the kernel has not taken yet. */
  get buffered () {
    return this.socket ? this.socket.bufferedAmount : 0
  }

  close () {
    this._resolve = this._reject = null
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) this.socket.close(1000)
  }

  /** Close and wait for the close handshake (bounded). */
  closeAndWait (timeoutMs = 2000) {
    const socket = this.socket
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => { socket.terminate(); resolve() }, timeoutMs)
      socket.once('close', () => { clearTimeout(timer); resolve() })
      this.close()
    })
  }
}

/** Connect many connections with at most `concurrency` handshakes in flight. */
export const connectAll = async (connections, { concurrency = 50, timeoutMs = 10000 } = {}) => {
  let next = 0
  const failures = []
  const lane = async () => {
    while (next < connections.length) {
      const connection = connections[next++]
      try {
        await connection.connect(timeoutMs)
      } catch (err) {
        failures.push(err.message)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, connections.length) }, lane))
  return failures
}
