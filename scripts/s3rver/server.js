// Starts s3rver (an S3-compatible test server) for ./test.sh; the npm package ships no launcher of its own.
// Usage: NODE_PATH=<folder holding @20minutes/s3rver> node server.js <port> <directory> <bucket>
// Prints "ready" once the bucket exists, so the caller can wait for that line.
'use strict';

const S3rver = require('@20minutes/s3rver');

const [port, directory, bucket] = process.argv.slice(2);
if (!port || !directory || !bucket) {
  console.error('usage: node server.js <port> <directory> <bucket>');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  // The SDK signs with the test credentials; s3rver only needs to accept them, not verify them.
  allowMismatchedSignatures: true,
  configureBuckets: [{ name: bucket }],
});

// s3rver 4.0.4 omits a common prefix whose folder holds only subfolders (keys c/d/e.txt list no 'c/' under
// delimiter '/'), which S3 does report. List without the delimiter and group the keys here instead; a test
// bucket holds few keys, so reading them all is cheap.
const listObjects = server.store.listObjects.bind(server.store);
server.store.listObjects = async (bucket, options) => {
  const { delimiter, prefix = '', maxKeys = Infinity } = options;
  if (!delimiter) {
    return listObjects(bucket, options);
  }
  const all = await listObjects(bucket, { ...options, delimiter: '', maxKeys: Infinity });
  const objects = [];
  const commonPrefixes = new Set();
  for (const object of all.objects) {
    const at = object.key.indexOf(delimiter, prefix.length);
    if (at === -1) {
      objects.push(object);
    } else {
      commonPrefixes.add(object.key.slice(0, at + delimiter.length));
    }
  }
  return {
    objects: objects.slice(0, maxKeys),
    commonPrefixes: [...commonPrefixes].sort(),
    isTruncated: objects.length > maxKeys,
  };
};

server.run().then(
  () => console.log('ready'),
  (error) => {
    console.error(`s3rver failed to start: ${error.message}`);
    process.exit(1);
  },
);

// Stop cleanly on TERM so the port is released before the caller removes the directory.
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
