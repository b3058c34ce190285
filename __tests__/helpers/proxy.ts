/**
 * A forward proxy on loopback, as a corporate network puts in front of self-hosted runners: it
 * answers CONNECT (the tunnel undici's ProxyAgent opens for every origin, http:// ones too) and
 * sends the tunnel to 127.0.0.1 whatever host was asked for, so names that resolve nowhere
 * (cocalc.proxied.test) are reachable only through it. It records each tunnel's target and
 * Proxy-Authorization, and refuses a tunnel whose credentials are wrong with 407. It can also be
 * broken the two ways firewalls and overloaded proxies are: closing every CONNECT, or never
 * answering one.
 */
import { createServer, type Server } from 'node:http'
import { connect, type Socket } from 'node:net'

export interface Tunnel {
  /** host:port the client asked for. */
  target: string
  authorization: string | undefined
}

export interface LoopbackProxy {
  url: string
  tunnels: Tunnel[]
  close(): Promise<void>
}

export interface ProxyOptions {
  /** Tunnels are refused with 407 unless they carry exactly this Proxy-Authorization. */
  authorization?: string
  /** A broken proxy: 'close' drops every CONNECT unanswered, 'hang' never answers it. */
  fault?: 'close' | 'hang'
}

export async function startLoopbackProxy(options: ProxyOptions = {}): Promise<LoopbackProxy> {
  const tunnels: Tunnel[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((_request, response) => {
    // Plain forwarding is not offered: undici tunnels every origin.
    response.writeHead(405).end('CONNECT only')
  })
  server.on('connect', (request, client: Socket, head: Buffer) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    const target = request.url ?? ''
    const authorization = request.headers['proxy-authorization']
    tunnels.push({ target, authorization })
    if (options.fault === 'close') return void client.destroy()
    if (options.fault === 'hang') return
    if (options.authorization !== undefined && authorization !== options.authorization) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const port = Number(target.slice(target.lastIndexOf(':') + 1))
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
