# consoleguest: a tiny x86 boot disk for Netloom's guest-console tests.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Contract (the console tests rely on exactly this; change it only together with them):
#
# Image. consoleguest.img is a raw disk of 17 sectors (8704 bytes): a boot sector (0x55AA at
#   offset 510) that loads the 16 sectors after it with int 13h AH=02 (CHS 0/0/2..17) to
#   0000:7E00. Boot it as an IDE disk on QEMU's pc machine:
#     -drive file=consoleguest.img,format=raw,if=ide,snapshot=on
#   (snapshot=on: the guest never writes, and several QEMUs can then share the one image;
#   ide-hd refuses readonly=on.) "if=floppy,readonly=on" boots it too (same CHS read).
#   It needs SeaBIOS and a VGA BIOS (-device VGA); no other devices, no interrupts beyond
#   the BIOS's own.
#
# Serial. COM1 (0x3F8) at 115200 8N1, set up through its ports, UART interrupts off. Every
#   line ends in CRLF. In order:
#     "netloom-consoleguest: boot"        the very first output, from the boot sector
#     "netloom-consoleguest: disk error"  only if loading the rest failed (then it halts)
#     "netloom-consoleguest: ready"       once the text screen below is drawn
#   then, for every input, one line per event:
#     keyboard (int 16h AH=01 poll, AH=00 read), by ASCII code:
#       0x20..0x7E  "key:" + the character            e.g. "key:a"
#       0x0D        "key:<ENTER>"
#       0x08        "key:<BS>"
#       0x1B        "key:<ESC>"
#       0x09        "key:<TAB>"
#       0 or 0xE0   "key:sc=XX", XX the BIOS scan code in upper-case hex (F1 -> "key:sc=3B")
#       any other   "key:<XX>", XX the code in upper-case hex (Ctrl+C -> "key:<03>")
#     serial byte received (LSR bit 0 at 0x3FD, data at 0x3F8):
#       0x20..0x7E  "serial:" + the character         e.g. "serial:x"
#       any other   "serial:XX" in upper-case hex     e.g. CR -> "serial:0D"
#   A lower-case command character, from the keyboard or the serial line, then switches the
#   VGA mode (int 10h AH=00), draws, and reports after its echo line:
#       g  mode 13h, 320x200x256: 25 horizontal colour bars      -> "mode:13"
#       v  mode 12h, 640x480x16: 15 horizontal colour bars       -> "mode:12"
#       t  mode 3, 80x25 text: the text screen below, redrawn    -> "mode:3"
#   Any other character changes nothing. QEMU's VGA (screendump and VNC) shows mode 3 as
#   720x400, mode 13h as 640x400 (pixels doubled) and mode 12h as 640x480.
#
# Screen (mode 3). Rows 0-23 are diagonal bands of coloured backgrounds (attributes 1x..7x,
#   no blink bit), row 11 shows "NETLOOM CONSOLE TEST" (yellow on black), row 13 the command
#   hint, row 24 (black on grey) echoes typed keys: printable characters from column 0 on,
#   Backspace erases one, Enter (or a full row) clears the row. In graphics modes nothing is
#   echoed on screen. The hardware cursor is hidden.
#
# Idle. Between polls the CPU waits with sti;hlt, so it wakes at least on every BIOS timer
#   tick (18.2 Hz) and at once on a key: serial input is answered within ~55 ms.
#
# Assembled with GNU as (--32, .code16, Intel syntax) and linked at 0x7C00; see
# CMakeLists.txt. Everything lives in one .text section.

    .code16
    .intel_syntax noprefix

    .equ LOAD_ADDR,        0x7C00
    .equ PAYLOAD_SECTORS,  16             # sectors loaded after the boot sector
    .equ IMAGE_SECTORS,    PAYLOAD_SECTORS + 1
    .equ COM1,             0x3F8
    .equ TX_SPINS,         0xFFFF         # bound on waiting for the transmitter
    .equ RX_BURST,         16             # serial bytes handled per wake-up (the FIFO size)
    .equ TEXT_SEG,         0xB800
    .equ GFX_SEG,          0xA000
    .equ ECHO_ROW_OFS,     24 * 80 * 2    # byte offset of the text screen's last row
    .equ ECHO_ATTR,        0x70

    .section .note.GNU-stack, "", @progbits
    .text
    .globl _start

# ---------------------------------------------------------------- boot sector (512 bytes)
_start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, LOAD_ADDR
    ljmp 0, offset boot_cs_ok        # CS:IP may be 07C0:0000; make it 0000:7Cxx
boot_cs_ok:
    sti
    cld
    mov byte ptr [boot_drive], dl

    call serial_init
    mov si, offset msg_boot
    call serial_line

    mov di, 3                        # attempts
load_retry:
    mov ax, 0x0200 | PAYLOAD_SECTORS
    mov bx, offset payload
    mov cx, 0x0002                   # cylinder 0, sector 2
    xor dh, dh                       # head 0
    mov dl, byte ptr [boot_drive]
    int 0x13
    jnc payload
    xor ah, ah                       # reset the drive, then try again
    mov dl, byte ptr [boot_drive]
    int 0x13
    dec di
    jnz load_retry
    mov si, offset msg_disk
    call serial_line
halt_forever:
    cli
    hlt
    jmp halt_forever

# serial_init: COM1 to 115200 8N1, FIFO on, interrupts off. Touches AX, DX.
serial_init:
    mov dx, COM1 + 1
    xor al, al
    out dx, al                       # IER: no interrupts
    mov dx, COM1 + 3
    mov al, 0x80
    out dx, al                       # LCR: DLAB
    mov dx, COM1
    mov al, 1
    out dx, al                       # divisor 1 = 115200 baud
    inc dx
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 0x03
    out dx, al                       # LCR: 8N1, DLAB off
    dec dx
    mov al, 0xC7
    out dx, al                       # FCR: FIFO on, both cleared
    mov dx, COM1 + 4
    mov al, 0x03
    out dx, al                       # MCR: DTR, RTS (no OUT2: no IRQ)
    ret

# serial_putc: sends AL, waiting (bounded) for the transmitter. Touches nothing else.
serial_putc:
    push cx
    push dx
    push ax
    mov dx, COM1 + 5
    mov cx, TX_SPINS
1:  in al, dx
    test al, 0x20                    # LSR: THR empty
    jnz 2f
    loop 1b
2:  pop ax
    mov dx, COM1
    out dx, al
    pop dx
    pop cx
    ret

# serial_puts: sends the NUL-terminated string at DS:SI. Advances SI past it.
serial_puts:
    push ax
1:  lodsb
    test al, al
    jz 2f
    call serial_putc
    jmp 1b
2:  pop ax
    ret

# serial_crlf: sends CR LF.
serial_crlf:
    push ax
    mov al, 0x0D
    call serial_putc
    mov al, 0x0A
    call serial_putc
    pop ax
    ret

# serial_line: sends the string at DS:SI and CR LF.
serial_line:
    call serial_puts
    jmp serial_crlf

msg_boot:   .asciz "netloom-consoleguest: boot"
msg_disk:   .asciz "netloom-consoleguest: disk error"
boot_drive: .byte 0

    .org 510
    .word 0xAA55

# ---------------------------------------------------------------- payload (loaded at 0x7E00)
payload:
    call set_text_mode
    mov si, offset msg_ready
    call serial_line

main_loop:
    cld
    sti
    hlt                              # until the timer tick or a key
    mov ah, 0x01
    int 0x16
    jz 1f
    xor ah, ah
    int 0x16                         # AL = ASCII, AH = scan code
    call on_key
1:  mov cx, RX_BURST
2:  mov dx, COM1 + 5
    in al, dx
    test al, 0x01                    # LSR: data ready
    jz main_loop
    mov dx, COM1
    in al, dx
    push cx
    call on_serial
    pop cx
    loop 2b
    jmp main_loop

# on_key: reports the key in AL (ASCII) / AH (scan code), echoes it on the text screen,
# runs a mode command. Touches AX, BX, CX, DX, SI, DI, ES.
on_key:
    mov si, offset msg_key
    call serial_puts
    cmp al, 0
    je key_scan
    cmp al, 0xE0
    je key_scan
    mov si, offset msg_enter
    cmp al, 0x0D
    je key_named
    mov si, offset msg_bs
    cmp al, 0x08
    je key_named
    mov si, offset msg_esc
    cmp al, 0x1B
    je key_named
    mov si, offset msg_tab
    cmp al, 0x09
    je key_named
    cmp al, 0x20
    jb key_hex
    cmp al, 0x7E
    ja key_hex
    call serial_putc
    jmp key_reported
key_named:
    call serial_puts
    jmp key_reported
key_hex:
    push ax
    mov al, '<'
    call serial_putc
    pop ax
    call serial_hex8
    push ax
    mov al, '>'
    call serial_putc
    pop ax
    jmp key_reported
key_scan:
    mov si, offset msg_sc
    call serial_puts
    push ax
    mov al, ah
    call serial_hex8
    pop ax
key_reported:
    call serial_crlf
    call echo_on_screen
    jmp run_command

# on_serial: reports the byte in AL received on COM1, runs a mode command.
on_serial:
    mov si, offset msg_serial
    call serial_puts
    cmp al, 0x20
    jb 1f
    cmp al, 0x7E
    ja 1f
    call serial_putc
    jmp 2f
1:  call serial_hex8
2:  call serial_crlf
    # fall through

# run_command: switches the video mode for 'g', 'v', 't' in AL; ignores anything else.
run_command:
    cmp al, 'g'
    je set_mode13
    cmp al, 'v'
    je set_mode12
    cmp al, 't'
    je set_mode3
    ret

set_mode3:
    call set_text_mode
    mov si, offset msg_mode3
    jmp serial_line

set_mode13:
    mov ax, 0x0013
    int 0x10
    mov byte ptr [cur_mode], 0x13
    push es
    mov ax, GFX_SEG
    mov es, ax
    xor di, di
    xor bx, bx                       # row
1:  mov ax, bx
    shr ax, 3
    add al, 32                       # 25 bars of 8 rows: palette hues 32..56
    mov cx, 320
    rep stosb
    inc bx
    cmp bx, 200
    jb 1b
    pop es
    mov si, offset msg_mode13
    jmp serial_line

set_mode12:
    mov ax, 0x0012
    int 0x10                         # clears all four planes
    mov byte ptr [cur_mode], 0x12
    push es
    mov ax, GFX_SEG
    mov es, ax
    xor di, di
    mov bl, 1                        # colour = plane mask of this band
1:  mov dx, 0x3C4
    mov al, 0x02                     # sequencer: map mask
    mov ah, bl
    out dx, ax
    mov al, 0xFF
    mov cx, 32 * 80                  # 32 rows of 80 bytes (8 pixels each)
    rep stosb
    inc bl
    cmp bl, 16
    jb 1b
    mov ax, 0x0F02                   # all planes again
    out dx, ax
    pop es
    mov si, offset msg_mode12
    jmp serial_line

# set_text_mode: mode 3, the coloured pattern, the title and the empty echo row.
set_text_mode:
    mov ax, 0x0003
    int 0x10
    mov ah, 0x01
    mov cx, 0x2000                   # cursor off
    int 0x10
    mov byte ptr [cur_mode], 0x03
    mov word ptr [echo_col], 0
    push es
    mov ax, TEXT_SEG
    mov es, ax
    xor di, di
    xor bx, bx                       # BH = row, BL = column
1:  mov al, bl
    shr al, 3
    add al, bh
    xor ah, ah
    mov cl, 7
    div cl                           # AH = (row + column / 8) % 7
    mov al, ah
    inc al
    shl al, 4
    or al, 0x0F                      # background 1..7, white foreground
    mov ah, al
    mov al, ' '
    stosw
    inc bl
    cmp bl, 80
    jb 1b
    xor bl, bl
    inc bh
    cmp bh, 24
    jb 1b
    mov ax, (ECHO_ATTR << 8) | ' '
    mov cx, 80
    rep stosw
    mov di, (11 * 80 + 29) * 2
    mov ah, 0x0E
    mov si, offset msg_title
    call put_text
    mov di, (13 * 80 + 22) * 2
    mov ah, 0x0F
    mov si, offset msg_hint
    call put_text
    pop es
    ret

# put_text: writes the NUL-terminated string at DS:SI with attribute AH to ES:DI.
put_text:
1:  lodsb
    test al, al
    jz 2f
    stosw
    jmp 1b
2:  ret

# echo_on_screen: shows key AL on the text screen's last row (text mode only).
echo_on_screen:
    cmp byte ptr [cur_mode], 0x03
    jne 9f
    push ax
    push es
    mov bx, TEXT_SEG
    mov es, bx
    mov bx, word ptr [echo_col]
    cmp al, 0x0D
    je 3f
    cmp al, 0x08
    je 2f
    cmp al, 0x20
    jb 8f
    cmp al, 0x7E
    ja 8f
    cmp bx, 80
    jb 1f
    call clear_echo_row
1:  mov di, bx
    shl di, 1
    mov ah, ECHO_ATTR
    mov es:[di + ECHO_ROW_OFS], ax
    inc bx
    jmp 7f
2:  test bx, bx                      # Backspace
    jz 8f
    dec bx
    mov di, bx
    shl di, 1
    mov word ptr es:[di + ECHO_ROW_OFS], (ECHO_ATTR << 8) | ' '
    jmp 7f
3:  call clear_echo_row              # Enter
7:  mov word ptr [echo_col], bx
8:  pop es
    pop ax
9:  ret

# clear_echo_row: blanks row 24 (ES = text segment) and sets BX = 0. Touches CX, DI.
clear_echo_row:
    push ax
    mov di, ECHO_ROW_OFS
    mov ax, (ECHO_ATTR << 8) | ' '
    mov cx, 80
    rep stosw
    xor bx, bx
    pop ax
    ret

# serial_hex8: sends AL as two upper-case hex digits. Preserves AX.
serial_hex8:
    push ax
    shr al, 4
    call hex_digit
    pop ax
    push ax
    and al, 0x0F
    call hex_digit
    pop ax
    ret
hex_digit:
    add al, '0'
    cmp al, '9'
    jbe 1f
    add al, 'A' - '0' - 10
1:  jmp serial_putc

msg_ready:  .asciz "netloom-consoleguest: ready"
msg_key:    .asciz "key:"
msg_enter:  .asciz "<ENTER>"
msg_bs:     .asciz "<BS>"
msg_esc:    .asciz "<ESC>"
msg_tab:    .asciz "<TAB>"
msg_sc:     .asciz "sc="
msg_serial: .asciz "serial:"
msg_mode3:  .asciz "mode:3"
msg_mode13: .asciz "mode:13"
msg_mode12: .asciz "mode:12"
msg_title:  .asciz " NETLOOM CONSOLE TEST "
msg_hint:   .asciz " g: 320x200   v: 640x480   t: text "
cur_mode:   .byte 0x03
echo_col:   .word 0

    # Pads the image to whole sectors; fails to assemble if the code outgrows them.
    .org IMAGE_SECTORS * 512
