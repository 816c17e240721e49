// Building documents through the protocol (seed) and opening them (open).

import * as Y from 'yjs'
import { SyncConnection, roomUrl } from './connection.mjs'
import { rng, sleep } from './clock.mjs'
import { updateMessage } from './protocol.mjs'
import { clockSum, createCurriculum, insertWord, moveCard, overwriteKey, updateEnds } from './workloads.mjs'

/** Open the room once: connect -> sync step 2. Returns timings and what step 2 held. */
const openOnce = async (job) => {
  let state = null
  const connection = new SyncConnection(roomUrl(job.url, job.room, job.token), {
    deflate: job.deflate,
    onUpdate: (update, fromStep2) => {
      if (fromStep2 && state === null) state = updateEnds(update)
    }
  })
  try {
    await connection.connect(job.timeoutMs ?? 30000)
  } catch (err) {
    await connection.closeAndWait()
    return { ok: false, error: err.message, closeCode: connection.closeCode }
  }
  await connection.closeAndWait()
  return {
    ok: true,
    ms: (connection.syncedUs - connection.startedUs) / 1000,
    bytes: connection.step2Bytes,
    clocks: Object.fromEntries(state ?? [])
  }
}

const covers = (clocks, expected) =>
  Object.entries(expected).every(([client, clock]) => (clocks[client] ?? 0) >= clock)

/** Open the room `times` times, one after another. */
export const open = async (job) => {
  const opens = []
  for (let i = 0; i < (job.times ?? 1); i++) {
    const result = await openOnce(job)
    if (result.ok && job.expected) result.complete = covers(result.clocks, job.expected)
    result.clockSum = result.ok ? clockSum(new Map(Object.entries(result.clocks))) : 0
    delete result.clocks
    opens.push(result)
  }
  return { opens }
}

/**
 * Send `count` updates of one `kind` into a room over `connections` sockets, each at most
 * `ratePerConnection` a second, then wait until a fresh client's sync holds all of them.
 * kinds: words (a word inserted at a random place of `resume`), overwrite (each
 * connection its own `meta` key), curriculum (meta and `items` cards if missing, then
 * card moves).
 *
 * A watcher connection sees what the server relays; the seeders never run more than
 * `windowClocks` items ahead of it, so the rate follows what the server can take (a
 * server that falls behind would otherwise receive bursts, and may refuse them).
 */
export const seed = async (job) => {
  const rand = rng(job.seed ?? 1)
  const url = roomUrl(job.url, job.room, job.token)
  const windowClocks = job.windowClocks ?? 2000
  const peers = []
  for (let i = 0; i < job.connections; i++) {
    const doc = new Y.Doc()
    const connection = new SyncConnection(url, {
      doc,
      deflate: job.deflate,
      onUpdate: job.kind === 'curriculum' ? (update) => Y.applyUpdate(doc, update, 'remote') : null
    })
    peers.push({ doc, connection })
  }
  const seen = new Map() // client -> highest clock the watcher has seen relayed
  const watcher = new SyncConnection(url, {
    deflate: job.deflate,
    onUpdate: (update) => {
      for (const [client, end] of updateEnds(update)) {
        if (end > (seen.get(client) ?? 0)) seen.set(client, end)
      }
    }
  })
  await watcher.connect(job.timeoutMs ?? 30000)
  for (const peer of peers) await peer.connection.connect(job.timeoutMs ?? 30000)
  const ahead = () => {
    let lead = 0
    for (const peer of peers) {
      const id = peer.doc.clientID
      lead += Y.getState(peer.doc.store, id) - (seen.get(id) ?? 0)
    }
    return lead
  }
  const startMs = performance.now()
  let sent = 0
  const pace = async (peer, makeUpdates) => {
    const perTick = Math.max(1, Math.round(job.ratePerConnection / 100))
    let tick = 0
    let began = performance.now()
    for (const update of makeUpdates()) {
      if (!peer.connection.open) throw new Error(`seeding connection closed: ${peer.connection.closeCode} ${peer.connection.closeReason}`)
      if (update) {
        peer.connection.send(updateMessage(update))
        sent += 1
      }
      if (++tick % perTick === 0) {
        const wait = began + (tick / perTick) * 10 - performance.now()
        if (wait > 0) await sleep(wait)
        if (ahead() > windowClocks || peer.connection.buffered > 1 << 20) {
          while (ahead() > windowClocks / 2 && watcher.open) await sleep(5)
          began = performance.now() - (tick / perTick) * 10 // no catching up afterwards
        }
      }
    }
  }
  const share = (i) => Math.floor(job.count / peers.length) + (i < job.count % peers.length ? 1 : 0)
  let moves = job.count
  if (job.kind === 'curriculum') {
    const first = peers[0]
    const existing = first.doc.getMap('items').size
    if (existing === 0) {
      const created = createCurriculum(first.doc, { items: job.items, member: job.member, mentor: job.mentor, rand })
      await pace(first, function * () { yield * created })
      moves -= created.length
      const until = performance.now() + (job.timeoutMs ?? 30000)
      while (peers.some((p) => p.doc.getMap('items').size < job.items) && performance.now() < until) await sleep(20)
    }
  }
  const itemIds = job.kind === 'curriculum' ? [...peers[0].doc.getMap('items').keys()].sort() : []
  await Promise.all(peers.map((peer, i) => pace(peer, function * () {
    const n = job.kind === 'curriculum' ? Math.floor(moves / peers.length) + (i < moves % peers.length ? 1 : 0) : share(i)
    for (let k = 0; k < n; k++) {
      if (job.kind === 'words') yield insertWord(peer.doc, rand)
      else if (job.kind === 'overwrite') yield overwriteKey(peer.doc, i, k)
      else yield moveCard(peer.doc, itemIds[(k * peers.length + i) % itemIds.length], rand)
    }
  })))
  const sentMs = performance.now() - startMs
  // Done when a fresh client's sync holds every seeding client's last update.
  const expected = Object.fromEntries(peers.map((p) => [p.doc.clientID, Y.getState(p.doc.store, p.doc.clientID)]))
  const until = performance.now() + (job.verifyTimeoutMs ?? 120000)
  let verified = false
  let last = null
  while (!verified && performance.now() < until) {
    last = await openOnce({ ...job, timeoutMs: 30000 })
    verified = last.ok && covers(last.clocks, expected)
    if (!verified) await sleep(250)
  }
  await Promise.all([watcher, ...peers.map((p) => p.connection)].map((c) => c.closeAndWait()))
  return { sent, sentMs, totalMs: performance.now() - startMs, verified, expected, bytes: last?.bytes ?? 0 }
}
