# The slow path of every lazy OpenSSL stub (see cmake/openssl-lazy-stubs.sh): a stub whose slot
# is still empty jumps here with its index in %r11d and the caller's arguments untouched.
# Saves every register that can carry an argument (%rax holds the vector count of a variadic
# call), asks check_mail_openssl_bind for the function, restores them and jumps to it, so the
# function sees exactly the call its caller made.
	.section .note.GNU-stack,"",@progbits
	.text
	.globl check_mail_openssl_bind_trampoline
	.hidden check_mail_openssl_bind_trampoline
	.type check_mail_openssl_bind_trampoline, @function
check_mail_openssl_bind_trampoline:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %r8
	pushq %r9
	pushq %rax
	# 7 pushes after %rbp leave %rsp 8 bytes off 16: 136 = 8 x 16 bytes of vectors + 8 to align.
	subq $136, %rsp
	movdqu %xmm0, 0(%rsp)
	movdqu %xmm1, 16(%rsp)
	movdqu %xmm2, 32(%rsp)
	movdqu %xmm3, 48(%rsp)
	movdqu %xmm4, 64(%rsp)
	movdqu %xmm5, 80(%rsp)
	movdqu %xmm6, 96(%rsp)
	movdqu %xmm7, 112(%rsp)
	movl %r11d, %edi
	call check_mail_openssl_bind
	movq %rax, %r11
	movdqu 0(%rsp), %xmm0
	movdqu 16(%rsp), %xmm1
	movdqu 32(%rsp), %xmm2
	movdqu 48(%rsp), %xmm3
	movdqu 64(%rsp), %xmm4
	movdqu 80(%rsp), %xmm5
	movdqu 96(%rsp), %xmm6
	movdqu 112(%rsp), %xmm7
	addq $136, %rsp
	popq %rax
	popq %r9
	popq %r8
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	popq %rbp
	jmpq *%r11
	.size check_mail_openssl_bind_trampoline, .-check_mail_openssl_bind_trampoline
