// A load-client process: `node worker.mjs '<job as JSON>'` runs one role of one
// scenario against one server and reports to the harness over stdin/stdout (ipc.mjs).

import { emit } from './ipc.mjs'
import { roles } from './roles.mjs'

const job = JSON.parse(process.argv[2] ?? '{}')
const role = roles[job.role]
if (!role) {
  process.stderr.write(`unknown role ${job.role}; known: ${Object.keys(roles).join(', ')}\n`)
  process.exit(2)
}
process.on('unhandledRejection', (err) => {
  process.stderr.write(`unhandled rejection: ${err && err.stack ? err.stack : err}\n`)
})

const deadline = setTimeout(async () => {
  await emit('error', { message: `role ${job.role} ran past its ${job.maxSeconds ?? 600} s limit` })
  process.exit(3)
}, (job.maxSeconds ?? 600) * 1000)
deadline.unref()

try {
  const result = await role(job)
  await emit('result', result)
  process.exit(0)
} catch (err) {
  await emit('error', { message: err && err.stack ? err.stack : String(err) })
  process.exit(1)
}
