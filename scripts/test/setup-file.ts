// Before each test file: type-graphql's decorators need the Reflect metadata API.
import 'reflect-metadata';
