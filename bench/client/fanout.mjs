// Fan-out: one writer sends an update every `intervalMs`; every reader notes when each
// one arrives. Each update carries its sequence number and send time (probeUpdate), so
// latency is receive time minus send time on the shared monotonic clock.

import * as Y from 'yjs'
import { SyncConnection, connectAll, roomUrl } from './connection.mjs'
import { nowUs, sleep } from './clock.mjs'
import { emit, next } from './ipc.mjs'
import { updateMessage } from './protocol.mjs'
import { probeUpdate, readProbes } from './workloads.mjs'

export const fanoutWriter = async (job) => {
  const doc = new Y.Doc()
  const connection = new SyncConnection(roomUrl(job.url, job.room, job.token), { doc, deflate: job.deflate })
  await connection.connect(job.connectTimeoutMs ?? 10000)
  emit('ready')
  await next('go')
  const startMs = performance.now()
  const endMs = startMs + job.durationMs
  let seq = 0
  while (performance.now() < endMs && connection.open) {
    seq += 1
    connection.send(updateMessage(probeUpdate(doc, seq)))
    const wait = startMs + seq * job.intervalMs - performance.now()
    if (wait > 0) await sleep(wait)
  }
  const elapsedMs = performance.now() - startMs
  emit('sent', { sent: seq, elapsedMs })
  await next('stop')
  const closed = connection.closeCode
  await connection.closeAndWait()
  return { sent: seq, elapsedMs, closedEarly: closed }
}

export const fanoutReaders = async (job) => {
  const maxSeq = job.maxSeq
  const latencies = []
  let duplicates = 0
  // Readers in one process receive the same bytes: decode each distinct update once.
  let lastBytes = null
  let lastProbes = []
  const probesOf = (update) => {
    if (lastBytes === null || Buffer.compare(lastBytes, update) !== 0) {
      lastBytes = Buffer.from(update)
      lastProbes = readProbes(update)
    }
    return lastProbes
  }
  const readers = []
  for (let i = 0; i < job.readers; i++) {
    const seen = new Uint8Array(maxSeq + 1)
    const reader = { seen, count: 0 }
    reader.connection = new SyncConnection(roomUrl(job.url, job.room, job.token), {
      deflate: job.deflate,
      onUpdate: (update, _fromStep2, atUs) => {
        for (const [seq, sentUs] of probesOf(update)) {
          if (seq < 1 || seq > maxSeq) continue
          if (seen[seq]) {
            duplicates += 1
          } else {
            seen[seq] = 1
            reader.count += 1
            latencies.push(atUs - sentUs)
          }
        }
      }
    })
    readers.push(reader)
  }
  // One handshake at a time: a join storm is the race scenario's business, not this one's.
  const failures = await connectAll(readers.map((r) => r.connection), {
    concurrency: job.concurrency ?? 1,
    timeoutMs: job.connectTimeoutMs ?? 10000
  })
  emit('ready', { synced: readers.filter((r) => r.connection.synced).length, failures: failures.slice(0, 5) })
  const { sent, graceMs } = await next('finish')
  const until = performance.now() + graceMs
  const complete = () => readers.every((r) => r.count >= sent || !r.connection.open)
  while (!complete() && performance.now() < until) await sleep(20)
  let lost = 0
  for (const reader of readers) {
    for (let seq = 1; seq <= Math.min(sent, maxSeq); seq++) if (!reader.seen[seq]) lost += 1
  }
  const closeCodes = {}
  for (const reader of readers) {
    const code = reader.connection.closeCode
    if (code !== null) closeCodes[code] = (closeCodes[code] ?? 0) + 1
  }
  await Promise.all(readers.map((r) => r.connection.closeAndWait()))
  return { readers: readers.length, expected: sent * readers.length, lost, duplicates, closeCodes, latenciesUs: latencies }
}
