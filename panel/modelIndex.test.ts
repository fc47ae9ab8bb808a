import { describe, expect, it } from 'vitest';
import type { CaptureModel, MessageModel } from '../model/correlator';
import { captureModel } from './modelFixture';
import { indexOf, noteMessageFinder } from './modelIndex';

const msg = (id: string): MessageModel => ({ id, route: 'port', status: 'delivered', ambiguous: false, transfers: [] });

describe('indexOf(model).message', () => {
  it('finds messages by id from the model’s messages', () => {
    const model = captureModel({ messages: [msg('a#1'), msg('a#2')] });
    expect(indexOf(model).message('a#2')).toBe(model.messages[1]);
    expect(indexOf(model).message('nope')).toBeUndefined();
  });

  it('asks the finder noted for a model, and never reads its messages (a playback moment’s are made when read)', () => {
    const found = msg('b#7');
    const moment = { ...captureModel({}) } as CaptureModel;
    Object.defineProperty(moment, 'messages', {
      get() {
        throw new Error('messages read');
      },
    });
    noteMessageFinder(moment, (id) => (id === 'b#7' ? found : undefined));
    expect(indexOf(moment).message('b#7')).toBe(found);
    expect(indexOf(moment).message('b#8')).toBeUndefined();
  });
});
