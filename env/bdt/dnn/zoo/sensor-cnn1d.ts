/**
 * A small 1-D CNN for IIoT sensor windows (defined here, not from a paper): 128 timesteps of a
 * 6-axis IMU (3-axis accelerometer + 3-axis gyroscope; e.g. 2.56 s at 50 Hz, the UCI-HAR
 * windowing) classified into 6 classes. Three conv1d+ReLU+max-pool(2) units with 32, 64 and 128
 * filters ('same' padding, kernels 5, 5, 3), a 128-unit dense layer and the 6-way output.
 * Units: conv1, conv2, conv3, fc1, fc2. Total 1.83 M MACs: a short DNN for small scenarios.
 */
import type { DnnSpecInput } from '../spec.ts';

const relu = { kind: 'relu' } as const;
const pool = { kind: 'maxPool1d', pool: 2 } as const;

/** 1-D CNN over 128 x 6 sensor windows, 5 units. */
export const sensorCnn1d: DnnSpecInput = {
  name: 'sensor-cnn1d',
  description: '1-D CNN over 128-timestep windows of a 6-axis IMU, 6 classes (activity or machine state)',
  inputShape: [128, 6],
  units: [
    { name: 'conv1', layers: [{ kind: 'conv1d', filters: 32, kernel: 5, padding: 'same' }, relu, pool] },
    { name: 'conv2', layers: [{ kind: 'conv1d', filters: 64, kernel: 5, padding: 'same' }, relu, pool] },
    { name: 'conv3', layers: [{ kind: 'conv1d', filters: 128, kernel: 3, padding: 'same' }, relu, pool] },
    { name: 'fc1', layers: [{ kind: 'flatten' }, { kind: 'dense', units: 128 }, relu] },
    { name: 'fc2', layers: [{ kind: 'dense', units: 6 }] },
  ],
};
