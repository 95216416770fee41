// Peer of bench/versus.mjs: a plain Apollo Server 5 on its standalone HTTP server, serving the peer
// schema (schema.mjs) from the gateway's answers; what the gateway is built on, with nothing of the
// gateway's own (no rights, budgets, DataLoaders or caches). Prints its port once listening.
//
//   node bench/versus/apollo-peer.mjs ANSWERS.json
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { announce, peerSchema, readAnswers } from './schema.mjs';

const { answers } = await readAnswers(process.argv[2]);
const server = new ApolloServer({ schema: peerSchema(answers) });
const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
announce(new URL(url).port);
