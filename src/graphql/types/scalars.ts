export { GraphQLDate as DateScalar, GraphQLDateTime as DateTimeScalar, GraphQLSafeInt as SafeIntScalar } from 'graphql-scalars';
