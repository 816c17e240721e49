// Many connections: idle ones spread over many rooms (memory, connect rate), and
// clients racing into a brand-new room at the same instant.

import * as Y from 'yjs'
import { SyncConnection, connectAll, roomUrl } from './connection.mjs'
import { sleep } from './clock.mjs'
import { emit, next } from './ipc.mjs'
import { updateMessage } from './protocol.mjs'
import { capture } from './workloads.mjs'

export const idleConnections = async (job) => {
  const connections = []
  for (const room of job.rooms) {
    for (let i = 0; i < job.perRoom; i++) {
      connections.push(new SyncConnection(roomUrl(job.url, room, job.token), { deflate: job.deflate }))
    }
  }
  const startMs = performance.now()
  const failures = await connectAll(connections, { concurrency: job.concurrency ?? 50, timeoutMs: job.connectTimeoutMs ?? 30000 })
  const seconds = (performance.now() - startMs) / 1000
  const synced = connections.filter((c) => c.synced).length
  emit('ready', { synced, failures: failures.length, firstFailures: failures.slice(0, 3), seconds })
  await next('close')
  const stillOpen = connections.filter((c) => c.open).length
  for (let i = 0; i < connections.length; i += 200) {
    await Promise.all(connections.slice(i, i + 200).map((c) => c.closeAndWait()))
  }
  return { synced, failures: failures.length, seconds, stillOpen }
}

/**
 * `clients` connections open the same brand-new room in the same tick. A client that has
 * no sync step 2 after `timeoutMs` never synced. Then each synced client writes one key;
 * a synced client that does not see every other synced client's key in time diverged.
 */
const raceRound = async (job, room) => {
  const url = roomUrl(job.url, room, job.token)
  const clients = []
  for (let i = 0; i < job.clients; i++) {
    const doc = new Y.Doc()
    const connection = new SyncConnection(url, {
      doc,
      deflate: job.deflate,
      onUpdate: (update) => Y.applyUpdate(doc, update, 'remote')
    })
    clients.push({ doc, connection })
  }
  const settled = await Promise.allSettled(clients.map((c) => c.connection.connect(job.timeoutMs)))
  const synced = clients.filter((_, i) => settled[i].status === 'fulfilled')
  const syncMs = synced.map((c) => (c.connection.syncedUs - c.connection.startedUs) / 1000)
  for (const [i, client] of synced.entries()) {
    client.connection.send(updateMessage(capture(client.doc, (d) => d.getMap('meta').set(`race-${i}`, i))))
  }
  const sees = (client) => synced.every((_, i) => client.doc.getMap('meta').has(`race-${i}`))
  const until = performance.now() + job.timeoutMs
  while (synced.some((c) => !sees(c)) && performance.now() < until) await sleep(20)
  const diverged = synced.filter((c) => !sees(c)).length
  const closeCodes = clients.map((c) => c.connection.closeCode).filter((code) => code !== null)
  await Promise.all(clients.map((c) => c.connection.closeAndWait()))
  return { neverSynced: clients.length - synced.length, diverged, syncMs, closeCodes }
}

export const race = async (job) => {
  const rounds = []
  for (const room of job.rooms) rounds.push(await raceRound(job, room))
  return { rounds }
}
