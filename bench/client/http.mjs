// Page load: `concurrency` keep-alive clients GET each path in a loop for `durationMs`
// (or until `maxRequests`), timing every request to the end of its body.

import http from 'node:http'
import { nowUs } from './clock.mjs'

const get = (agent, url, headers) => new Promise((resolve) => {
  const startUs = nowUs()
  const request = http.get(url, { agent, headers }, (response) => {
    let bytes = 0
    response.on('data', (chunk) => { bytes += chunk.length })
    response.on('end', () => resolve({ status: response.statusCode, bytes, us: nowUs() - startUs }))
  })
  request.on('error', (err) => resolve({ status: 0, bytes: 0, us: nowUs() - startUs, error: err.message }))
})

const loadPath = async (job, path) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency })
  const url = new URL(path, job.base).toString()
  const latencies = []
  const statuses = {}
  let bytes = 0
  let issued = 0
  const startUs = nowUs()
  const endUs = startUs + job.durationMs * 1000
  const lane = async () => {
    while (nowUs() < endUs && issued < job.maxRequests) {
      issued += 1
      const response = await get(agent, url, job.headers ?? {})
      statuses[response.status] = (statuses[response.status] ?? 0) + 1
      latencies.push(response.us)
      bytes = Math.max(bytes, response.bytes)
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, lane))
  const seconds = (nowUs() - startUs) / 1e6
  agent.destroy()
  return { path, requests: latencies.length, seconds, statuses, bytes, latenciesUs: latencies }
}

export const httpLoad = async (job) => {
  const results = []
  for (const path of job.paths) results.push(await loadPath(job, path))
  return { results }
}
