import net from 'node:net';

/**
 * A TCP relay between the server under test and PostgreSQL that a test can cut (every connection
 * reset, new ones refused, as when the database dies) and restore, on the same port.
 */
export class TcpProxy {
  private listener: net.Server | null = null;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private trigger: { pattern: Buffer; fired: () => void } | null = null;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Listens (on the port it had before, after a cut); resolves once new connections are accepted. */
  async open(): Promise<number> {
    const listener = net.createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.listener = listener;
    this.port = (listener.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Resets every relayed connection and refuses new ones until `open`. */
  async cut(): Promise<void> {
    const listener = this.listener;
    this.listener = null;
    const closed = listener ? new Promise<void>((resolve) => listener.close(() => resolve())) : Promise.resolve();
    for (const [client, server] of this.pairs) {
      client.resetAndDestroy();
      server.resetAndDestroy();
    }
    this.pairs.clear();
    await closed;
  }

  /**
   * The next time a client sends `pattern`, it reaches PostgreSQL but that connection is then reset
   * toward the client before any answer: the client never hears how the statement ended.
   */
  loseAnswerAfter(pattern: string): Promise<void> {
    return new Promise((resolve) => (this.trigger = { pattern: Buffer.from(pattern), fired: resolve }));
  }

  private relay(client: net.Socket): void {
    const server = net.connect(this.targetPort, this.targetHost);
    const pair: [net.Socket, net.Socket] = [client, server];
    this.pairs.add(pair);
    let answerLost = false;
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      // PostgreSQL still reads what was sent to it: the connection ends from its side.
      if (!answerLost) server.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      const trigger = this.trigger;
      if (trigger && chunk.includes(trigger.pattern)) {
        this.trigger = null;
        answerLost = true;
        this.pairs.delete(pair);
        // PostgreSQL reads the statement, then the end of the stream; the client hears nothing more.
        server.end(chunk);
        client.resetAndDestroy();
        trigger.fired();
        return;
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (!client.destroyed) client.write(chunk);
    });
    client.on('error', drop);
    server.on('error', drop);
    client.on('close', drop);
    server.on('close', drop);
  }

  async close(): Promise<void> {
    await this.cut();
  }
}
