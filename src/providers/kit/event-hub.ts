import { EventEmitter, type Event } from 'cockatiel';

/**
 * The events of a part, declared once as a map (`{ stateChange: StreamStateChange, … }`): each
 * gets `on<Name>`, a cockatiel `Event` to listen with (it answers the disposable that stops the
 * listening), and `emit<Name>`, which tells every listener synchronously, in the order they came.
 * Metrics and logs subscribe to these rather than being called from the parts.
 */
export type EventHub<Events extends object> = {
  readonly [Name in keyof Events & string as `on${Capitalize<Name>}`]: Event<Events[Name]>;
} & {
  readonly [Name in keyof Events & string as `emit${Capitalize<Name>}`]: (event: Events[Name]) => void;
};

/**
 * A hub with one cockatiel emitter per event. The names come at run time too (types vanish); the
 * record's type makes the list whole: an event left out of it does not compile.
 */
export function eventHub<Events extends object>(names: { readonly [Name in keyof Events]-?: true }): EventHub<Events> {
  const hub: Record<string, unknown> = {};
  for (const name of Object.keys(names)) {
    const emitter = new EventEmitter<unknown>();
    const suffix = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
    hub[`on${suffix}`] = emitter.addListener;
    hub[`emit${suffix}`] = (event: unknown): void => emitter.emit(event);
  }
  return hub as EventHub<Events>;
}
