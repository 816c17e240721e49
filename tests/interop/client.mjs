// A stock Yjs client for mentorHub's interoperability tests.
//
// It connects with the unmodified npm `y-websocket` WebsocketProvider, exactly as a
// browser does, and is driven by JSON commands, one per line, on stdin. Each command
// gets exactly one JSON reply line on stdout, in order:
//   {"ok":true, ...}  or  {"ok":false,"error":"..."}
// The first line printed is {"ready":true,"clientID":<doc.clientID>}.
//
// Usage: node client.mjs --url ws://127.0.0.1:PORT/collab --room ROOM [--token T]
//
// Commands (see node_client.py for the Python side):
//   wait_synced {timeout}            set_meta {key, value}
//   add_item {id, fields}            insert_note {id, index, text}
//   set_item {id, fields}            (one transaction: e.g. a move sets status, position
//                                     and completed_at together, as the editor does)
//   set_awareness {state}            awareness
//   wait_awareness {count, timeout}  snapshot
//   wait_for {path, equals, timeout} disconnect / connect
//   status                           wait_closed {timeout}
//   quit

import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

// stdout carries the reply protocol only: anything a library logs goes to stderr.
console.log = console.info = console.debug = (...args) => console.error(...args)

const DEFAULT_TIMEOUT = 5000

const reply = (obj) => {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

const errorText = (err) => (err instanceof Error ? err.message : String(err))

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    room: { type: 'string' },
    token: { type: 'string' }
  },
  strict: true
})
if (!args.url || !args.room) {
  process.stderr.write('usage: node client.mjs --url ws://HOST/collab --room ROOM [--token T]\n')
  process.exit(2)
}

process.on('uncaughtException', (err) => {
  process.stderr.write(`uncaught exception: ${err && err.stack ? err.stack : err}\n`)
})
process.on('unhandledRejection', (err) => {
  process.stderr.write(`unhandled rejection: ${err && err.stack ? err.stack : err}\n`)
})

const doc = new Y.Doc()
const provider = new WebsocketProvider(args.url, args.room, doc, {
  WebSocketPolyfill: WebSocket,
  params: args.token ? { token: args.token } : {},
  disableBc: true
})

// What the connection did last, for `status` and `wait_closed`.
const conn = {
  closeCount: 0, // connection-close events seen so far
  closedCode: null, // close code of the last close (null: closed locally, or never closed)
  closedReason: null,
  terminal: null, // {code, reason} once the provider gave up reconnecting (4400-4499)
  lastError: null // message of the last connection-error event
}
let waitClosedSeen = 0 // closeCount already reported by wait_closed (or reset by connect)
provider.on('connection-close', (event) => {
  conn.closeCount += 1
  conn.closedCode = event ? event.code : null
  conn.closedReason = event ? String(event.reason ?? '') : null
})
provider.on('closed', (event) => {
  conn.terminal = { code: event.code, reason: String(event.reason ?? '') }
})
provider.on('connection-error', (event) => {
  conn.lastError = errorText(event && (event.error ?? event.message ?? event))
})

// Resolves when check() returns a non-undefined value, re-checking whenever one of
// the given emitters fires one of the given events; rejects after `timeout` ms.
const waitUntil = (check, subscriptions, timeout, what) =>
  new Promise((resolve, reject) => {
    let done = false
    let timer = null
    const cleanup = () => {
      done = true
      clearTimeout(timer)
      for (const [emitter, name] of subscriptions) emitter.off(name, probe)
    }
    const probe = () => {
      if (done) return
      let value
      try {
        value = check()
      } catch (err) {
        cleanup()
        reject(err)
        return
      }
      if (value !== undefined) {
        cleanup()
        resolve(value)
      }
    }
    for (const [emitter, name] of subscriptions) emitter.on(name, probe)
    timer = setTimeout(() => {
      if (done) return
      cleanup()
      reject(new Error(`timeout after ${timeout} ms waiting for ${what}`))
    }, timeout)
    probe()
  })

const snapshot = () => ({
  meta: doc.getMap('meta').toJSON(),
  items: doc.getMap('items').toJSON(),
  goals: doc.getMap('goals').toJSON(),
  resume: doc.getText('resume').toString()
})

const valueAt = (obj, path) => {
  let cur = obj
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return undefined
    cur = cur[key]
  }
  return cur
}

const deepEqual = (a, b) => {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]))
}

const peerStates = () => {
  const states = {}
  for (const [clientID, state] of provider.awareness.getStates()) {
    if (clientID !== doc.clientID) states[clientID] = state
  }
  return states
}

const itemMap = (id) => {
  const item = doc.getMap('items').get(id)
  if (!(item instanceof Y.Map)) throw new Error(`no item ${JSON.stringify(id)}`)
  return item
}

const timeoutOf = (cmd) => (Number.isFinite(cmd.timeout) ? cmd.timeout : DEFAULT_TIMEOUT)

const commands = {
  async wait_synced (cmd) {
    await waitUntil(() => (provider.synced ? true : undefined), [[provider, 'sync']],
      timeoutOf(cmd), 'provider synced')
    return {}
  },

  async set_meta (cmd) {
    if (typeof cmd.key !== 'string') throw new Error('set_meta needs a string "key"')
    doc.getMap('meta').set(cmd.key, cmd.value)
    return {}
  },

  async add_item (cmd) {
    if (typeof cmd.id !== 'string') throw new Error('add_item needs a string "id"')
    const fields = cmd.fields ?? {}
    if (typeof fields !== 'object' || Array.isArray(fields)) {
      throw new Error('add_item "fields" must be an object')
    }
    doc.transact(() => {
      const item = new Y.Map()
      for (const [key, value] of Object.entries(fields)) {
        if (key !== 'notes') item.set(key, value)
      }
      item.set('notes', new Y.Text(typeof fields.notes === 'string' ? fields.notes : undefined))
      doc.getMap('items').set(cmd.id, item)
    })
    return {}
  },

  async set_item (cmd) {
    const item = itemMap(cmd.id)
    const fields = cmd.fields ?? {}
    if (typeof fields !== 'object' || Array.isArray(fields)) {
      throw new Error('set_item "fields" must be an object')
    }
    doc.transact(() => {
      for (const [key, value] of Object.entries(fields)) item.set(key, value)
    })
    return {}
  },

  async insert_note (cmd) {
    const notes = itemMap(cmd.id).get('notes')
    if (!(notes instanceof Y.Text)) throw new Error(`item ${JSON.stringify(cmd.id)} has no Y.Text notes`)
    if (typeof cmd.text !== 'string') throw new Error('insert_note needs a string "text"')
    const index = Number.isInteger(cmd.index) ? cmd.index : notes.length
    if (index < 0 || index > notes.length) {
      throw new Error(`index ${index} out of range 0..${notes.length}`)
    }
    notes.insert(index, cmd.text)
    return {}
  },

  async set_awareness (cmd) {
    provider.awareness.setLocalState(cmd.state ?? null)
    return {}
  },

  async awareness () {
    return { states: peerStates() }
  },

  async wait_awareness (cmd) {
    const count = Number.isInteger(cmd.count) ? cmd.count : 1
    const states = await waitUntil(() => {
      const s = peerStates()
      return Object.keys(s).length >= count ? s : undefined
    }, [[provider.awareness, 'change']], timeoutOf(cmd), `${count} peer awareness state(s)`)
    return { states }
  },

  async snapshot () {
    return { json: snapshot() }
  },

  async wait_for (cmd) {
    if (!Array.isArray(cmd.path)) throw new Error('wait_for needs a "path" array')
    const value = await waitUntil(() => {
      const v = valueAt(snapshot(), cmd.path)
      return deepEqual(v, cmd.equals) ? (v === undefined ? null : v) : undefined
    }, [[doc, 'update']], timeoutOf(cmd),
    `${JSON.stringify(cmd.path)} == ${JSON.stringify(cmd.equals)}`
    ).catch((err) => {
      const now = valueAt(snapshot(), cmd.path)
      throw new Error(`${err.message} (current value: ${JSON.stringify(now ?? null)})`)
    })
    return { value }
  },

  async disconnect () {
    provider.disconnect()
    return {}
  },

  async connect () {
    conn.terminal = null
    waitClosedSeen = conn.closeCount
    provider.connect()
    return {}
  },

  async status () {
    return {
      connected: provider.wsconnected,
      synced: provider.synced,
      wsClosedCode: conn.closedCode,
      wsClosedReason: conn.closedReason,
      closeCount: conn.closeCount,
      terminal: conn.terminal,
      lastError: conn.lastError
    }
  },

  // Waits for the next connection close with a code (one sent by the server, or
  // 1006 for a dropped or refused connection); replies at once if one already
  // happened since the last `connect`/`wait_closed`.
  async wait_closed (cmd) {
    const seen = waitClosedSeen
    await waitUntil(
      () => (conn.closeCount > seen && conn.closedCode !== null ? true : undefined),
      [[provider, 'connection-close']], timeoutOf(cmd), 'the connection to close')
    // read after the await: the provider emits `closed` (terminal) right after `connection-close`
    waitClosedSeen = conn.closeCount
    return { code: conn.closedCode, reason: conn.closedReason, terminal: conn.terminal !== null }
  }
}

let quitting = false
const quit = () => {
  if (quitting) return
  quitting = true
  try {
    provider.destroy()
    doc.destroy()
  } finally {
    process.stdout.write('', () => process.exit(0))
  }
}

reply({ ready: true, clientID: doc.clientID })

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (line.trim() === '') continue
  let cmd
  try {
    cmd = JSON.parse(line)
  } catch (err) {
    reply({ ok: false, error: `invalid JSON: ${errorText(err)}` })
    continue
  }
  if (cmd === null || typeof cmd !== 'object' || typeof cmd.cmd !== 'string') {
    reply({ ok: false, error: 'a command is a JSON object with a string "cmd"' })
    continue
  }
  if (cmd.cmd === 'quit') {
    reply({ ok: true })
    quit()
    break
  }
  const handler = Object.prototype.hasOwnProperty.call(commands, cmd.cmd) ? commands[cmd.cmd] : null
  if (handler === null) {
    reply({ ok: false, error: `unknown command ${JSON.stringify(cmd.cmd)}` })
    continue
  }
  try {
    reply({ ok: true, ...(await handler(cmd)) })
  } catch (err) {
    reply({ ok: false, error: errorText(err) })
  }
}
// stdin closed without `quit`: leave just the same.
quit()
