// Reconnect storm: many synced clients over many rooms, the server restarted under them,
// and every client reconnecting at once with the stock y-websocket provider's back-off.
//
// Each client is one Y.Doc with a reconnecting connection, as a WebsocketProvider is:
// on open it sends sync step 1, answers the server's step 1 with what the server lacks
// (so a client's own copy flows back to a server that lost it), and applies what arrives.

import * as Y from 'yjs'
import WebSocket from 'ws'
import { SyncConnection, roomUrl } from './connection.mjs'
import { nowUs, sleep } from './clock.mjs'
import { emit, next } from './ipc.mjs'
import { updateMessage } from './protocol.mjs'
import { capture } from './workloads.mjs'

// y-websocket 3.1.0 (src/y-websocket.js): every closed connection counts as unsuccessful
// (the count goes back to 0 once a connection synced), and the next attempt is made
// min(2^unsuccessful * 100, maxBackoffTime) ms later, maxBackoffTime 2,500 ms by default;
// no jitter. A close code 4400-4499 ends reconnecting (defaultShouldReconnect).
export const backoffMs = (unsuccessful, maxMs = 2500) => Math.min(Math.pow(2, unsuccessful) * 100, maxMs)
const givesUp = (code) => code >= 4400 && code < 4500
// The provider closes a socket that has received no message for 30 s. These clients send
// no awareness (what keeps a provider's idle socket talking), so here it only bounds the
// wait for sync: a connection not synced 30 s after it was opened is closed and retried.
const SILENT_MS = 30000
const ROOTS = { meta: 'map', items: 'map', goals: 'map', resume: 'text' }

class StormClient {
  constructor (url, job, onStep1) {
    this.url = url
    this.job = job
    this.onStep1 = onStep1
    this.doc = new Y.Doc()
    this.connection = null
    this.unsuccessful = 0
    this.attempts = 0
    this.syncedUs = 0 // when its latest connection synced
    this.closes = [] // [atUs, code] of every connection that closed
    this.stopped = false
    this.gaveUp = false
  }

  /** One connection; when it closes, the next one after the provider's back-off. */
  attempt () {
    if (this.stopped || this.gaveUp || this.connection) return
    this.attempts += 1
    const connection = new SyncConnection(this.url, {
      doc: this.doc,
      deflate: this.job.deflate,
      onUpdate: (update) => Y.applyUpdate(this.doc, update, 'remote'),
      onStep1: (stateVector, atUs) => this.onStep1(stateVector, atUs)
    })
    this.connection = connection
    connection.connect(SILENT_MS).then(
      () => {
        this.unsuccessful = 0
        this.syncedUs = connection.syncedUs
      },
      () => {
        if (connection.socket.readyState !== WebSocket.CLOSED) connection.socket.terminate()
      }
    )
    connection.socket.on('close', (code) => {
      if (this.connection !== connection) return
      this.connection = null
      this.closes.push([nowUs(), code])
      this.unsuccessful += 1
      if (givesUp(code)) {
        this.gaveUp = true
        return
      }
      if (!this.stopped) setTimeout(() => this.attempt(), backoffMs(this.unsuccessful, this.job.maxBackoffMs))
    })
  }

  get synced () {
    return this.connection !== null && this.connection.synced
  }

  send (update) {
    if (this.synced) this.connection.send(updateMessage(update))
  }

  async stop () {
    this.stopped = true
    const connection = this.connection
    this.connection = null
    if (connection) await connection.closeAndWait()
  }
}

const until = async (condition, timeoutMs, stepMs = 10) => {
  const end = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > end) return false
    await sleep(stepMs)
  }
  return true
}

const sorted = (value) => {
  if (Array.isArray(value)) return value.map(sorted)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted(value[key])]))
  }
  return value
}

/** A document's content, the same text for the same content whatever order it came in. */
const contentOf = (doc) => JSON.stringify(Object.fromEntries(Object.entries(ROOTS).map(([name, kind]) =>
  [name, kind === 'text' ? doc.getText(name).toString() : sorted(doc.getMap(name).toJSON())])))

const covers = (stateVector, expected) => {
  for (const [client, clock] of expected) {
    if ((stateVector.get(client) ?? 0) < clock) return false
  }
  return true
}

/** What the server holds for `room`, read by a fresh client with an empty document. */
const readRoom = async (job, room) => {
  const doc = new Y.Doc()
  const connection = new SyncConnection(roomUrl(job.url, room, job.token), {
    deflate: job.deflate,
    onUpdate: (update) => Y.applyUpdate(doc, update, 'remote')
  })
  try {
    await connection.connect(job.connectTimeoutMs ?? 30000)
  } catch (err) {
    await connection.closeAndWait()
    return { ok: false, error: err.message }
  }
  await connection.closeAndWait()
  return { ok: true, content: contentOf(doc), stateVector: Y.decodeStateVector(Y.encodeStateVector(doc)) }
}

const readRooms = async (job, rooms) => {
  const found = new Map()
  let index = 0
  const lane = async () => {
    while (index < rooms.length) {
      const room = rooms[index++]
      found.set(room, await readRoom(job, room))
    }
  }
  await Promise.all(Array.from({ length: Math.min(job.concurrency ?? 50, rooms.length) }, lane))
  return found
}

const quantile = (values, q) => {
  if (values.length === 0) return null
  const ordered = [...values].sort((a, b) => a - b)
  return ordered[Math.min(ordered.length - 1, Math.floor(q * ordered.length))]
}

/**
 * job: rooms, perRoom, concurrency (handshakes in flight while connecting the first time),
 * connectTimeoutMs, settleMs, tag (written into each room), maxBackoffMs.
 *
 * 1. Every client connects (at most `concurrency` at a time) and syncs; one that has not
 *    synced within connectTimeoutMs is left out of the storm (counted).
 * 2. Each client writes one `meta` key, the room's first client also a line of `resume`;
 *    once every client of a room sees all of them, a fresh client reads each room: the
 *    content before. Event `written`.
 * 3. Command `restart` {atUs, limitMs}: the harness stops the server then (SIGTERM) and
 *    starts it again on the same port. Clients reconnect on their own; done when every
 *    client has synced again after atUs, or limitMs after it. Event `resynced`.
 * 4. Fresh clients read each room again (the content after), then all close. For each room
 *    also whether the first sync step 1 the new server sent for it (its state vector,
 *    before any client could send it anything) already covered what was written.
 */
export const storm = async (job) => {
  const rooms = job.rooms
  const step1s = new Map(rooms.map((room) => [room, []])) // room -> [atUs, stateVector]
  let recordStep1 = false
  const clients = []
  for (const room of rooms) {
    for (let i = 0; i < job.perRoom; i++) {
      const onStep1 = (stateVector, atUs) => {
        if (recordStep1) step1s.get(room).push([atUs, Y.decodeStateVector(stateVector)])
      }
      const client = new StormClient(roomUrl(job.url, room, job.token), job, onStep1)
      client.room = room
      client.index = i
      clients.push(client)
    }
  }

  // 1. connect
  let cursor = 0
  const lane = async () => {
    while (cursor < clients.length) {
      const client = clients[cursor++]
      client.attempt()
      await until(() => client.syncedUs !== 0, job.connectTimeoutMs ?? 30000)
    }
  }
  const connectStart = performance.now()
  await Promise.all(Array.from({ length: Math.min(job.concurrency ?? 50, clients.length) }, lane))
  const connectSeconds = (performance.now() - connectStart) / 1000
  const late = clients.filter((c) => !c.synced)
  await Promise.all(late.map((c) => c.stop()))
  const stormers = clients.filter((c) => c.synced)

  // 2. write, wait until every room has it everywhere, read the content before
  const byRoom = new Map(rooms.map((room) => [room, []]))
  for (const client of stormers) byRoom.get(client.room).push(client)
  const valueOf = (client) => `${client.room}:${client.index}:${job.tag}`
  for (const client of stormers) {
    client.send(capture(client.doc, (d) => d.getMap('meta').set(`storm-${client.index}`, valueOf(client))))
    if (client.index === 0) {
      client.send(capture(client.doc, (d) => {
        const text = d.getText('resume')
        text.insert(text.length, `Written before the restart (${job.tag}).\n`)
      }))
    }
  }
  const seesAll = (client) => byRoom.get(client.room).every((other) =>
    client.doc.getMap('meta').get(`storm-${other.index}`) === valueOf(other))
  const settled = await until(() => stormers.every(seesAll), job.settleMs ?? 60000, 20)
  const unsettledRooms = new Set(stormers.filter((c) => !seesAll(c)).map((c) => c.room)).size
  const before = await readRooms(job, rooms)
  const unreadBefore = [...before.values()].filter((r) => !r.ok).length
  recordStep1 = true
  await emit('written', {
    connections: clients.length,
    stormers: stormers.length,
    notSyncedBefore: late.length,
    connectSeconds,
    settled,
    unsettledRooms,
    unreadBefore
  })

  // 3. the restart, and every client back
  const { atUs: restartUs, limitMs } = await next('restart')
  const back = (client) => client.syncedUs > restartUs
  await until(() => stormers.every((c) => back(c) || c.gaveUp) || nowUs() > restartUs + limitMs * 1000, limitMs + 60000, 20)
  const resynced = stormers.filter(back)
  const resyncUs = resynced.map((c) => c.syncedUs - restartUs)
  const attempts = stormers.map((c) => c.attempts - 1) // the first connection was before the restart
  const dropCodes = {}
  for (const client of stormers) {
    const drop = client.closes.find(([atUs]) => atUs > restartUs - 5_000_000)
    const code = drop ? String(drop[1]) : 'none'
    dropCodes[code] = (dropCodes[code] ?? 0) + 1
  }
  await emit('resynced', { resynced: resynced.length })

  // 4. read the content after (while the clients are still there: pycrdt-websocket
  // forgets a room when its last client leaves), then close everyone
  const after = await readRooms(job, rooms)
  for (let i = 0; i < clients.length; i += 200) {
    await Promise.all(clients.slice(i, i + 200).map((c) => c.stop()))
  }
  let kept = 0
  let equal = 0
  let unchecked = 0
  for (const room of rooms) {
    const was = before.get(room)
    const now = after.get(room)
    if (!was.ok || !now.ok) {
      unchecked += 1
      continue
    }
    if (now.content === was.content) equal += 1
    const first = step1s.get(room).filter(([atUs]) => atUs > restartUs).sort((a, b) => a[0] - b[0])[0]
    if (first && covers(first[1], was.stateVector)) kept += 1
  }
  return {
    connections: clients.length,
    stormers: stormers.length,
    notSyncedBefore: late.length,
    resynced: resynced.length,
    neverResynced: stormers.length - resynced.length,
    gaveUp: stormers.filter((c) => c.gaveUp).length,
    allResyncedUs: resynced.length ? Math.max(...resynced.map((c) => c.syncedUs)) : null,
    resyncP50Ms: resyncUs.length ? quantile(resyncUs, 0.5) / 1000 : null,
    resyncP95Ms: resyncUs.length ? quantile(resyncUs, 0.95) / 1000 : null,
    attemptsMean: attempts.reduce((a, b) => a + b, 0) / Math.max(1, attempts.length),
    attemptsMax: Math.max(0, ...attempts),
    dropCodes,
    rooms: rooms.length,
    roomsKept: kept,
    roomsEqual: equal,
    roomsUnchecked: unchecked
  }
}
