import { deviceQueries } from '../../machines/deviceMachine.js';
import { D1, given, seedTopology } from '../support/given.js';

/** The device machine answers "does this device hold bond P" (sva-model.md, "Entities": a device holds its bonds). */
describe('device machine bond queries', () => {
  const bound = () => given([...seedTopology(), { type: 'bind', dev: D1, mm: 'm1', flags: 0 }]);

  it('Given a bond on PASID 1, the device lists, holds and routes faults for it, and nothing for PASID 2', () => {
    const device = bound().fold.state.devices.get(D1)!;
    expect([deviceQueries.listsBond(device, 1), deviceQueries.holdsBond(device, 1), deviceQueries.routesFaults(device, 1)])
      .toEqual([true, true, true]);
    expect([deviceQueries.listsBond(device, 2), deviceQueries.holdsBond(device, 2), deviceQueries.routesFaults(device, 2)])
      .toEqual([false, false, false]);
  });

  it('When the bonded device is detached from its domain, it still holds the (stale) bond but routes no faults', () => {
    const { fold } = bound().when({ type: 'detach_dev', dev: D1, domain: 'B' });
    const device = fold.state.devices.get(D1)!;
    expect([deviceQueries.holdsBond(device, 1), deviceQueries.routesFaults(device, 1)]).toEqual([true, false]);
  });

  it('When the bonded device is removed, it lists the stale bond but no longer holds it', () => {
    const { fold } = bound().when({ type: 'device_remove', dev: D1 });
    const device = fold.state.devices.get(D1)!;
    expect([deviceQueries.listsBond(device, 1), deviceQueries.holdsBond(device, 1)]).toEqual([true, false]);
  });

  it('When unbound, the device no longer lists the bond', () => {
    const { fold } = bound().when({ type: 'unbind', dev: D1, pasid: 1 });
    expect(deviceQueries.listsBond(fold.state.devices.get(D1)!, 1)).toBe(false);
  });
});
