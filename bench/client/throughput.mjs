// Throughput: writers send pre-built updates as fast as their sockets take them; readers
// note when they hold every one of them (by the clock ranges the updates cover).

import { SyncConnection, connectAll, roomUrl } from './connection.mjs'
import { nowUs, sleep } from './clock.mjs'
import { emit, next } from './ipc.mjs'
import { updateMessage } from './protocol.mjs'
import { typingUpdates, updateEnds } from './workloads.mjs'

export const throughputWriters = async (job) => {
  const writers = []
  for (let i = 0; i < job.writers; i++) {
    const { updates } = typingUpdates(job.updatesEach)
    writers.push({
      messages: updates.map(updateMessage),
      connection: new SyncConnection(roomUrl(job.url, job.room, job.token), { deflate: job.deflate })
    })
  }
  // One handshake at a time: a join storm is the race scenario's business, not this one's.
  const failures = await connectAll(writers.map((w) => w.connection), { concurrency: 1, timeoutMs: job.connectTimeoutMs ?? 10000 })
  emit('ready', { synced: writers.filter((w) => w.connection.synced).length, failures })
  await next('go')
  const startUs = nowUs()
  for (let i = 0; i < job.updatesEach; i++) {
    for (const writer of writers) writer.connection.send(writer.messages[i])
  }
  while (writers.some((w) => w.connection.open && w.connection.buffered > 0)) await sleep(5)
  emit('sent', { startUs, sentUs: nowUs() })
  await next('stop')
  const closeCodes = {}
  for (const writer of writers) {
    const code = writer.connection.closeCode
    if (code !== null) closeCodes[code] = (closeCodes[code] ?? 0) + 1
  }
  await Promise.all(writers.map((w) => w.connection.closeAndWait()))
  return { startUs, closeCodes }
}

export const throughputReaders = async (job) => {
  const readers = []
  for (let i = 0; i < job.readers; i++) {
    const reader = { baseline: new Map(), ends: new Map(), total: 0, doneUs: 0 }
    reader.connection = new SyncConnection(roomUrl(job.url, job.room, job.token), {
      deflate: job.deflate,
      onUpdate: (update, fromStep2, atUs) => {
        for (const [client, end] of updateEnds(update)) {
          if (fromStep2 && !reader.baseline.has(client)) reader.baseline.set(client, end)
          const before = Math.max(reader.ends.get(client) ?? 0, reader.baseline.get(client) ?? 0)
          if (end > before) {
            reader.total += end - before
            reader.ends.set(client, end)
          }
        }
        if (!reader.doneUs && reader.total >= job.expected) reader.doneUs = atUs
      }
    })
    readers.push(reader)
  }
  const failures = await connectAll(readers.map((r) => r.connection), { concurrency: 1, timeoutMs: job.connectTimeoutMs ?? 10000 })
  emit('ready', { synced: readers.filter((r) => r.connection.synced).length, failures })
  await next('go')
  const until = performance.now() + job.timeoutMs
  while (readers.some((r) => !r.doneUs && r.connection.open) && performance.now() < until) await sleep(5)
  const closeCodes = {}
  for (const reader of readers) {
    const code = reader.connection.closeCode
    if (code !== null) closeCodes[code] = (closeCodes[code] ?? 0) + 1
  }
  const result = {
    doneUs: readers.map((r) => r.doneUs),
    received: readers.map((r) => r.total),
    closeCodes
  }
  await Promise.all(readers.map((r) => r.connection.closeAndWait()))
  return result
}
