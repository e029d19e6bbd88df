export * from './port';
export * from './peer';
export * from './namespace-ref';
export * from './network-model';
export * from './zero-trust-namespace';
export * from './web-app';
export * from './external-service';
