export { Module, IncompatibleKeys, type StateDict } from './module';
export { Linear, MSELoss, CrossEntropyLoss } from './layers';
export * as functional from './functional';
