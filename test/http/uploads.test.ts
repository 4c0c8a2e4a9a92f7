/**
 * Files over HTTP on every store: a multipart new ticket and reply carry files to the
 * service, and `GET /attachments/:id` serves them back byte for byte with headers that
 * keep a browser from running them: the recognised type, `nosniff`, `inline` only for
 * images, a sandboxing CSP. A customer never reaches a file of an internal note.
 */
import { describe, expect, it } from 'vitest';
import { storeTargets } from '../sql/store-targets.js';
import { httpDesk } from './http-harness.js';
import { PNG } from './test-files.js';

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

for (const target of storeTargets()) {
  describe(`ticketry/http uploads: ${target.name}`, () => {
    it('multipart ticket and reply with files; downloads stream the bytes with safe headers', async () => {
      const h = httpDesk(await target.createStore());
      const ana = h.customer();
      const agent = h.operator();

      const form = new FormData();
      form.set('subject', 'Broken router');
      form.set('body', 'Photo and invoice attached');
      form.set('priority', 'high');
      form.append('files', new Blob([PNG], { type: 'image/png' }), 'router.png');
      // The claimed type is ignored: the content decides.
      form.append('files', new Blob([PDF], { type: 'image/png' }), '../../Übersicht.pdf');
      const opened = await h.call(ana, 'POST', '/customer/tickets', { body: form });
      expect(opened.status).toBe(201);
      expect(opened.json.priority).toBe('high');

      const thread = (await h.call(ana, 'GET', `/tickets/${opened.json.id}`)).json;
      const files = thread.messages[0].attachments;
      expect(files.map((f: { filename: string; contentType: string; size: number }) => [f.filename, f.contentType, f.size])).toEqual([
        ['router.png', 'image/png', PNG.length],
        ['Übersicht.pdf', 'application/pdf', PDF.length],
      ]);

      const image = await h.call(ana, 'GET', `/attachments/${files[0].id}`);
      expect(image.status).toBe(200);
      expect(new Uint8Array(await image.response.arrayBuffer())).toEqual(PNG);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(image.headers.get('content-length')).toBe(String(PNG.length));
      expect(image.headers.get('content-disposition')).toBe('inline; filename="router.png"');
      expect(image.headers.get('x-content-type-options')).toBe('nosniff');
      expect(image.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(image.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);

      const pdf = await h.call(agent, 'GET', `/attachments/${files[1].id}`);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="_bersicht.pdf"; filename*=UTF-8''%C3%9Cbersicht.pdf`);
      expect(new Uint8Array(await pdf.response.arrayBuffer())).toEqual(PDF);

      const note = new FormData();
      note.set('body', 'Internal: the serial on the photo is blacklisted');
      note.set('internal', 'true');
      note.append('file', new Blob([PNG]), 'serial.png');
      const written = await h.call(agent, 'POST', `/tickets/${opened.json.id}/replies`, { body: note });
      expect(written.status).toBe(201);
      expect(written.json.internal).toBe(true);
      const noteFile = written.json.attachments[0];
      expect(noteFile.filename).toBe('serial.png');
      expect((await h.call(agent, 'GET', `/attachments/${noteFile.id}`)).status).toBe(200);
      const hidden = await h.call(ana, 'GET', `/attachments/${noteFile.id}`);
      expect(hidden.status).toBe(404);

      const reply = new FormData();
      reply.set('body', 'Here is another one');
      reply.append('file', new Blob([PNG]), 'again.png');
      const customerReply = await h.call(ana, 'POST', `/tickets/${opened.json.id}/replies`, { body: reply });
      expect(customerReply.status).toBe(201);
      expect(customerReply.json.attachments).toHaveLength(1);
      expect(customerReply.json).not.toHaveProperty('internal');

      // A file of a type not allowed is refused by the service (400), and nothing is written.
      const html = new FormData();
      html.set('body', 'look');
      html.append('file', new Blob(['<script>alert(1)</script>'], { type: 'text/html' }), 'x.html');
      const refused = await h.call(ana, 'POST', `/tickets/${opened.json.id}/replies`, { body: html });
      expect(refused.status).toBe(400);
      expect(refused.json.error.code).toBe('validation');
      expect((await h.call(agent, 'GET', `/tickets/${opened.json.id}`)).json.messages).toHaveLength(3);

      // Form fields are checked like JSON fields.
      const unknown = new FormData();
      unknown.set('body', 'hi');
      unknown.set('colour', 'red');
      const bad = await h.call(ana, 'POST', `/tickets/${opened.json.id}/replies`, { body: unknown });
      expect(bad.status).toBe(400);
      expect(bad.json.error.field).toBe('colour');
    });
  });
}
