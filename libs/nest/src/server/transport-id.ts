/** The transport id of Flotilla's Nest transport: handlers bound to it are served by FlotillaServer only. */
export const FLOTILLA_TRANSPORT: unique symbol = Symbol.for('flotilla.transport');

/** Key, in a handler's pattern extras, of the method binding FlotillaServer reads. */
export const HANDLER_BINDING_KEY = 'flotilla.binding';
