// Prints three free loopback TCP ports (blob, queue, table) for a throw-away Azurite.
const net = require('net');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

Promise.all([freePort(), freePort(), freePort()]).then((ports) => console.log(ports.join(' ')));
