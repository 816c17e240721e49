// The line protocol between a load-client process and the harness that runs it:
// events out on stdout, one JSON object a line; commands in on stdin, likewise.
// Everything a library logs goes to stderr.

import { createInterface } from 'node:readline'

console.log = console.info = console.debug = (...args) => console.error(...args)

const waiting = new Map() // command name -> resolve
const early = new Map() // command name -> command that came before anyone waited

createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.trim()) return
  const command = JSON.parse(line)
  const resolve = waiting.get(command.cmd)
  if (resolve) {
    waiting.delete(command.cmd)
    resolve(command)
  } else {
    early.set(command.cmd, command)
  }
})

/**
 * Every event carries the process's own CPU time and the clock, for the harness.
 * Resolves once the line is handed to the pipe (a big result must not be cut by exit).
 */
export const emit = (event, data = {}) => {
  const cpu = process.cpuUsage()
  const stamp = { cpuUs: cpu.user + cpu.system, atUs: Number(process.hrtime.bigint() / 1000n) }
  return new Promise((resolve) => {
    process.stdout.write(JSON.stringify({ event, ...data, ...stamp }) + '\n', resolve)
  })
}

/** Wait for the harness to send {"cmd": name, ...}. */
export const next = (name) => {
  if (early.has(name)) {
    const command = early.get(name)
    early.delete(name)
    return Promise.resolve(command)
  }
  return new Promise((resolve) => waiting.set(name, resolve))
}
