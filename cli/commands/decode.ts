/** `nlsim decode`: a capture file as a tree of netlink messages, like `tshark -V`, or as JSON. */
import type { Command } from 'commander';
import { readCapture } from '../../captures/capture.js';
import { decodePackets } from '../../captures/decode/index.js';
import { applyFilter, parseFilter } from '../../captures/decode/filter.js';
import { renderPackets, toJson } from '../../captures/decode/text.js';

/** DecodeOptions are the command's options. */
interface DecodeOptions {
  json?: boolean;
  filter?: string;
}

/** register adds the command to `program`. */
export function register(program: Command): void {
  program
    .command('decode')
    .description('decode a netlink capture (pcap or pcapng, nlmon link type) message by message')
    .argument('<file>', 'the capture file')
    .option('--json', 'print the decoded tree as JSON')
    .option('--filter <family/type>', 'keep one protocol and optionally one message type, e.g. route/RTM_NEWLINK or generic/nlctrl')
    .action(async (file: string, options: DecodeOptions) => {
      let packets;
      try {
        const filter = options.filter ? parseFilter(options.filter) : undefined;
        packets = decodePackets(await readCapture(file));
        if (filter) packets = applyFilter(packets, filter);
      } catch (err) {
        // A plain message, not commander's error(), which would print the whole help after it.
        console.error(`nlsim decode: ${(err as Error).message}`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(options.json ? `${toJson(packets)}\n` : renderPackets(packets));
    });
}
