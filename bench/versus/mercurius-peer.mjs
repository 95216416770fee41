// Peer of bench/versus.mjs: Fastify 5 + Mercurius with graphql-jit (`jit: 1`: a document is compiled
// to JavaScript from its first execution on), serving the peer schema (schema.mjs) at POST
// /graphql from the gateway's answers. Prints its port once listening.
//
//   node bench/versus/mercurius-peer.mjs ANSWERS.json
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { announce, peerSchema, readAnswers } from './schema.mjs';

const { answers } = await readAnswers(process.argv[2]);
// No request logging: the gateway under load logs at warn, which is nothing on a good answer.
const app = Fastify({ logger: false });
// graphiql off: the bench measures the query path only (mercurius would otherwise register the IDE's routes).
await app.register(mercurius, { schema: peerSchema(answers), path: '/graphql', jit: 1, graphiql: false });
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server.address().port);
